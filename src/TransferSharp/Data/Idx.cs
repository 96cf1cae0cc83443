using System.Buffers.Binary;
using System.IO.Compression;

namespace TransferSharp.Data;

/// <summary>
/// Reader for the IDX format of the MNIST family (MNIST, Fashion-MNIST, KMNIST, EMNIST): raw or gzip-compressed.
/// </summary>
/// <remarks>
/// An IDX file is a big-endian header, magic <c>0x0000TTDD</c> (type byte TT, dimension count DD) followed by DD
/// 32-bit sizes, then the values row-major. Images are unsigned bytes <c>(N, H, W)</c>, magic <c>0x00000803</c>;
/// labels unsigned bytes <c>(N)</c>, magic <c>0x00000801</c>. Compression is detected by the gzip magic bytes,
/// not the extension. Every malformed file fails with an <see cref="InvalidDataException"/> naming the file.
/// </remarks>
internal static class Idx
{
    private const byte UnsignedByte = 0x08;
    private static readonly byte[] KnownTypes = [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E];

    /// <summary>
    /// Reads images and labels into a dataset: inputs float32 <c>(N, 1, H, W)</c> in [0, 1], labels int64 <c>(N)</c>.
    /// </summary>
    /// <param name="imagesPath">The images file (magic <c>0x00000803</c>), raw or gzip.</param>
    /// <param name="labelsPath">The labels file (magic <c>0x00000801</c>), raw or gzip.</param>
    /// <param name="classNames">Names by label; default <c>"0".."9"</c>, or <c>"0".."max"</c> when a label exceeds 9.</param>
    /// <exception cref="InvalidDataException">A file is missing or malformed, the counts differ, or a label has no class name.</exception>
    public static Dataset Read(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null)
    {
        var (images, n, h, w) = ReadImageBytes(imagesPath);
        var labels = ReadLabelBytes(labelsPath);
        if (labels.Length != n)
            throw DataFile.Error(labelsPath, $"holds {labels.Length} labels but {imagesPath} holds {n} images");

        int max = labels.Length == 0 ? 0 : labels.Max();
        classNames ??= Enumerable.Range(0, Math.Max(max + 1, 10)).Select(i => i.ToString()).ToArray();
        if (labels.Length > 0 && max >= classNames.Count)
            throw DataFile.Error(labelsPath,
                $"label {max} at index {Array.IndexOf(labels, (byte)max)} but there are only {classNames.Count} class names");

        using var scope = NewDisposeScope();
        var x = ToImageTensor(images, n, h, w);
        var y = tensor(labels.Select(b => (long)b).ToArray(), ScalarType.Int64); // (N)
        return new Dataset(BaseName(imagesPath), x, y, classNames,
            $"IDX {imagesPath} + {labelsPath}: {n} images of {h}x{w}");
    }

    /// <summary>Reads an images file alone as an unlabelled dataset, float32 <c>(N, 1, H, W)</c> in [0, 1].</summary>
    /// <exception cref="InvalidDataException">The file is missing or malformed.</exception>
    public static Dataset ReadImages(string path)
    {
        var (images, n, h, w) = ReadImageBytes(path);
        using var scope = NewDisposeScope();
        return new Dataset(BaseName(path), ToImageTensor(images, n, h, w), null, [], $"IDX {path}: {n} images of {h}x{w}, unlabelled");
    }

    /// <summary>
    /// True when <paramref name="path"/> is a readable file that starts like an IDX file (raw or gzip). Never throws;
    /// a true answer says nothing about the rest of the file.
    /// </summary>
    public static bool IsIdx(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            using var stream = OpenMaybeGzip(path);
            Span<byte> magic = stackalloc byte[4];
            stream.ReadExactly(magic);
            return magic[0] == 0 && magic[1] == 0 && KnownTypes.Contains(magic[2]) && magic[3] is >= 1 and <= 4;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="path"/> starts like an IDX labels file (one dimension, raw or gzip). Never throws.</summary>
    public static bool IsLabelsFile(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            using var stream = OpenMaybeGzip(path);
            Span<byte> magic = stackalloc byte[4];
            stream.ReadExactly(magic);
            return magic[0] == 0 && magic[1] == 0 && magic[2] == UnsignedByte && magic[3] == 1;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static Tensor ToImageTensor(ReadOnlySpan<byte> pixels, int n, int h, int w)
    {
        var buffer = new float[pixels.Length];
        for (int i = 0; i < buffer.Length; i++) buffer[i] = pixels[i] / 255f;
        return tensor(buffer, [n, 1, h, w]); // (N, 1, H, W)
    }

    private static (byte[] Pixels, int N, int H, int W) ReadImageBytes(string path)
    {
        // A raw file's length is the truth: a header claiming more than it holds is reported as truncated by the full read.
        if (PeekHeader(path, 0x00000803, "an images file (N, H, W)") is ({ } d, var compressed)
            && (Int128)d[0] * d[1] * d[2] is var pixels && !(compressed is null && new FileInfo(path).Length < pixels + 16))
        {
            CheckClaim(path, pixels + 16, compressed, $"{d[0]} images of {d[1]}x{d[2]}");
            if (pixels > Array.MaxLength)
                throw DataFile.Error(path, $"header says {d[0]} images of {d[1]}x{d[2]}: {pixels} pixels, more than one array holds ({Array.MaxLength}); split the file");
            // The bytes, their float32 copy and the tensor made from it: 1 + 4 + 4 bytes per pixel.
            MemoryBudget.RequireForFile(path, pixels * 9, $"header says {d[0]} images of {d[1]}x{d[2]}: reading them");
        }
        var bytes = ReadDecompressed(path);
        var dims = ReadHeader(path, bytes, 0x00000803, "an images file (N, H, W)");
        int n = dims[0], h = dims[1], w = dims[2];
        Int128 expected = (Int128)n * h * w; // a lying header must not overflow
        CheckLength(path, bytes, 16, expected, $"{n} images of {h}x{w}", "bytes of pixels");
        return (bytes[16..], n, h, w);
    }

    private static byte[] ReadLabelBytes(string path)
    {
        if (PeekHeader(path, 0x00000801, "a labels file (N)") is { } head)
        {
            CheckClaim(path, (Int128)head.Dims[0] + 8, head.Compressed, $"{head.Dims[0]} labels");
            MemoryBudget.RequireForFile(path, (Int128)head.Dims[0] * 10, $"header says {head.Dims[0]} labels: reading them");
        }
        var bytes = ReadDecompressed(path);
        int n = ReadHeader(path, bytes, 0x00000801, "a labels file (N)")[0];
        CheckLength(path, bytes, 8, n, $"{n} labels", "label bytes");
        return bytes[8..];
    }

    /// <summary>
    /// The header's sizes read from the first bytes of the (decompressed) stream, before the whole file is inflated,
    /// and the compressed length when the file is gzip (null when raw); null when the header does not parse (the
    /// full read then reports what is wrong).
    /// </summary>
    private static (int[] Dims, long? Compressed)? PeekHeader(string path, uint expectedMagic, string what)
    {
        try
        {
            if (!File.Exists(path)) return null;
            long fileLength = new FileInfo(path).Length;
            using var stream = OpenMaybeGzip(path);
            var head = new byte[4 + 4 * (int)(expectedMagic & 0xFF)];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return (ReadHeader(path, head[..read], expectedMagic, what), stream is GZipStream ? fileLength : null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Refuses a gzip file whose header claims more data than its compressed length can inflate to (deflate's
    /// best ratio is 1032:1), before inflating gigabytes of a bomb only to find it short.
    /// </summary>
    private static void CheckClaim(string path, Int128 bytes, long? compressed, string says)
    {
        if (compressed is { } c && bytes > (Int128)c * MaxDeflateRatio + 1024)
            throw DataFile.Error(path, $"header says {says} ({bytes} bytes) but {c} bytes of gzip data inflate to at most {(Int128)c * MaxDeflateRatio} bytes: a corrupt header or a decompression bomb");
    }

    /// <summary>The most bytes one compressed deflate byte can stand for (RFC 1951: 258-byte matches in ~2 bits).</summary>
    internal const int MaxDeflateRatio = 1032;

    /// <summary>Checks magic, type and dimension count, then returns the sizes; every size is a non-negative int.</summary>
    private static int[] ReadHeader(string path, byte[] bytes, uint expectedMagic, string what)
    {
        int expectedDims = (int)(expectedMagic & 0xFF);
        if (bytes.Length < 4)
            throw DataFile.Error(path, $"truncated: {bytes.Length} bytes, too short for the 4-byte IDX magic number (expected {Hex(expectedMagic)}, {what})");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (bytes[0] != 0 || bytes[1] != 0)
            throw DataFile.Error(path, $"wrong magic number {Hex(magic)}: not an IDX file (expected {Hex(expectedMagic)}, {what})");
        if (bytes[2] != UnsignedByte)
            throw DataFile.Error(path, $"magic number {Hex(magic)} declares data type 0x{bytes[2]:X2}; only unsigned bytes (0x08) are supported");
        if (bytes[3] != expectedDims)
            throw DataFile.Error(path, $"magic number {Hex(magic)} declares {bytes[3]} dimensions but {what} has {expectedDims} (expected magic {Hex(expectedMagic)})");
        int headerLength = 4 + 4 * expectedDims;
        if (bytes.Length < headerLength)
            throw DataFile.Error(path, $"truncated: the header needs {headerLength} bytes but the file holds {bytes.Length}");
        var dims = new int[expectedDims];
        for (int d = 0; d < expectedDims; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (size > int.MaxValue)
                throw DataFile.Error(path, $"dimension {d} is {size}, too large to be a size");
            dims[d] = (int)size;
        }
        return dims;
    }

    private static void CheckLength(string path, byte[] bytes, int headerLength, Int128 expected, string says, string unit)
    {
        long actual = bytes.LongLength - headerLength;
        if (actual < expected)
            throw DataFile.Error(path, $"truncated: header says {says} but the file holds {actual} {unit} (expected {expected})");
        if (actual > expected)
            throw DataFile.Error(path, $"trailing garbage: header says {says} ({expected} {unit}) but the file holds {actual - expected} more bytes");
    }

    /// <summary>The whole file, gunzipped (and checked against its gzip trailer) when it starts with the gzip magic 0x1f 0x8b.</summary>
    private static byte[] ReadDecompressed(string path)
    {
        var raw = DataFile.ReadAllBytes(path);
        return Gzip.IsGzip(raw) ? Gzip.Decompress(path, raw) : raw;
    }

    private static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        int read = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static string Hex(uint v) => $"0x{v:X8}";

    /// <summary><c>train-images-idx3-ubyte.gz</c> becomes <c>train-images-idx3-ubyte</c>.</summary>
    private static string BaseName(string path)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
    }
}
