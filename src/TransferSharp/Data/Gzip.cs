using System.Buffers.Binary;
using System.IO.Compression;

namespace TransferSharp.Data;

/// <summary>
/// Whole-file gzip decompression for the readers, checked against the gzip trailer (RFC 1952: CRC-32 and length of
/// the uncompressed data, in the last 8 bytes).
/// </summary>
/// <remarks>
/// .NET's <see cref="GZipStream"/> reports end of data, not an error, when the compressed stream stops early, so a
/// truncated <c>.gz</c> would otherwise read as a shorter file. The trailer check catches that: for a file cut short
/// the last 8 bytes are compressed data, and they match the CRC and length of what was decompressed with probability
/// about 2^-64. In a multi-member file (members concatenated, which <see cref="GZipStream"/> reads as one) the last
/// trailer describes the last member, the tail of the output of that length.
/// </remarks>
internal static class Gzip
{
    /// <summary>True when <paramref name="bytes"/> starts with the gzip magic 0x1f 0x8b.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;

    /// <summary>The decompressed contents of <paramref name="compressed"/>, read from <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException"><c>"path: corrupt or truncated gzip data: ..."</c>.</exception>
    public static byte[] Decompress(string path, byte[] compressed)
    {
        byte[] output;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            // Inflated in chunks against a limit (one array, and the memory available now: the output is held twice,
            // in the buffer and its copy), so a bomb stops with the file's name rather than an OutOfMemoryException.
            long limit = Math.Min(Array.MaxLength, MemoryBudget.Available() / 2);
            var chunk = new byte[1 << 20];
            for (int n; (n = gzip.Read(chunk)) > 0;)
            {
                if (buffer.Length + n > limit)
                    throw DataFile.Error(path, $"gzip data inflates to more than {MemoryBudget.Show(limit)} " +
                        $"({(limit == Array.MaxLength ? "the most one array holds" : "what the available memory holds twice")}); " +
                        $"{compressed.Length} bytes compressed: a decompression bomb, or a file too large to read whole");
                buffer.Write(chunk, 0, n);
            }
            output = buffer.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw Error(path, e.Message);
        }
        const int HeaderAndTrailer = 18;
        if (compressed.Length < HeaderAndTrailer)
            throw Error(path, $"{compressed.Length} bytes is shorter than a gzip header and trailer ({HeaderAndTrailer})");
        var trailer = compressed.AsSpan(compressed.Length - 8);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer), size = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (size > output.Length || Crc32(output.AsSpan(output.Length - (int)size)) != crc)
            throw Error(path, $"the data stops before its end (the trailer does not match the {output.Length} bytes decompressed; is the file cut short?)");
        return output;
    }

    private static InvalidDataException Error(string path, string what) => DataFile.Error(path, $"corrupt or truncated gzip data: {what}");

    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 of gzip and zlib (reflected polynomial 0xEDB88320).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
