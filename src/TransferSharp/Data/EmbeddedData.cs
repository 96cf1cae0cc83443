using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TransferSharp.Data;

/// <summary>Labelled images as stored: pixels <c>(N, C, H, W)</c> row-major bytes, one label byte per image.</summary>
internal sealed record RawImages(
    string Name, int Count, int Channels, int Height, int Width,
    byte[] Pixels, byte[] Labels, string[] ClassNames, string Provenance);

/// <summary>A colour photograph: <c>(H, W, 3)</c> row-major RGB bytes.</summary>
internal sealed record RawPhoto(string Name, int Height, int Width, byte[] Rgb, string Provenance);

/// <summary>
/// Reads the datasets embedded in the assembly. <c>data/build.sh</c> writes them and
/// <c>data/SOURCES.md</c> says where each came from.
/// </summary>
/// <remarks>
/// Each resource is Brotli-compressed. Decompressed, all integers are int32 little-endian:
/// images: "TSDS", version 1, N, C, H, W, K classes, text length T, N·C·H·W pixels, N labels,
/// then T bytes of UTF-8 lines: name, provenance, K class names.
/// photos: "TSPH", version 1, count, then per photo: name, provenance (each length-prefixed
/// UTF-8), H, W, H·W·3 RGB bytes.
/// </remarks>
internal static class EmbeddedData
{
    internal const string Mnist = "mnist.bin";
    internal const string FashionMnist = "fashion-mnist.bin";
    internal const string OptDigits = "optdigits.bin";
    internal const string Photos = "photos.bin";

    private const string Prefix = "TransferSharp.Data.";
    private const int Version = 1;

    // Bounds a corrupt stream's claim: the largest resource decompresses to under 8 MB.
    private const int MaxDecompressedBytes = 64 << 20;

    internal static RawImages Load(string resourceName) => ParseImages(resourceName, Read(resourceName));

    internal static IReadOnlyList<RawPhoto> LoadPhotos() => ParsePhotos(Photos, Read(Photos));

    private static byte[] Read(string resourceName)
    {
        using var stream = typeof(EmbeddedData).Assembly.GetManifestResourceStream(Prefix + resourceName)
            ?? throw new ArgumentException(
                $"No embedded resource '{Prefix}{resourceName}'; expected one of {Mnist}, {FashionMnist}, {OptDigits}, {Photos}.",
                nameof(resourceName));
        return Decompress(resourceName, stream);
    }

    internal static byte[] Decompress(string resourceName, Stream compressed)
    {
        using var brotli = new BrotliStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = ReadChunk(resourceName, brotli, buffer)) > 0)
        {
            if (output.Length + read > MaxDecompressedBytes)
                throw new InvalidDataException($"{resourceName}: decompresses to more than {MaxDecompressedBytes} bytes.");
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }

    private static int ReadChunk(string resourceName, Stream brotli, byte[] buffer)
    {
        try
        {
            return brotli.Read(buffer);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException)
        {
            throw new InvalidDataException($"{resourceName}: not a valid Brotli stream ({e.Message})", e);
        }
    }

    internal static RawImages ParseImages(string resourceName, byte[] data)
    {
        var r = new Reader(resourceName, data);
        r.ExpectMagic("TSDS");
        int count = r.Positive("image count"), channels = r.Positive("channels");
        int height = r.Positive("height"), width = r.Positive("width");
        int classes = r.Positive("class count"), textLength = r.NonNegative("text length");
        var pixels = r.Bytes((long)count * channels * height * width, "pixels");
        var labels = r.Bytes(count, "labels");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= classes)
                throw r.Fail($"label {labels[i]} of image {i} is not below the class count {classes}");
        var lines = r.Utf8(textLength, "names").Split('\n');
        if (lines.Length != 2 + classes)
            throw r.Fail($"expected a name, a provenance and {classes} class names, found {lines.Length} lines");
        r.ExpectEnd();
        return new RawImages(lines[0], count, channels, height, width, pixels, labels, lines[2..], lines[1]);
    }

    internal static IReadOnlyList<RawPhoto> ParsePhotos(string resourceName, byte[] data)
    {
        var r = new Reader(resourceName, data);
        r.ExpectMagic("TSPH");
        int count = r.Positive("photo count");
        // A list, not an array of `count`: a corrupt count then fails on truncation, not on allocation.
        var photos = new List<RawPhoto>();
        for (int i = 0; i < count; i++)
        {
            var name = r.Utf8(r.NonNegative("name length"), "name");
            var provenance = r.Utf8(r.NonNegative("provenance length"), "provenance");
            int height = r.Positive("height"), width = r.Positive("width");
            photos.Add(new RawPhoto(name, height, width, r.Bytes(3L * height * width, $"pixels of '{name}'"), provenance));
        }
        r.ExpectEnd();
        return photos;
    }

    /// <summary>Bounds-checked cursor: every failure names the resource and the offset.</summary>
    private sealed class Reader(string resourceName, byte[] data)
    {
        private int _position;

        public InvalidDataException Fail(string what) => new($"{resourceName}: {what} (at byte {_position} of {data.Length}).");

        public void ExpectMagic(string magic)
        {
            var found = Encoding.ASCII.GetString(Bytes(magic.Length, "magic"));
            if (found != magic)
                throw Fail($"wrong magic '{found}', expected '{magic}'");
            int version = NonNegative("version");
            if (version != Version)
                throw Fail($"format version {version} is not supported (expected {Version})");
        }

        public int NonNegative(string what)
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(Bytes(4, what));
            return value >= 0 ? value : throw Fail($"{what} is negative ({value})");
        }

        public int Positive(string what)
        {
            var value = NonNegative(what);
            return value > 0 ? value : throw Fail($"{what} is zero");
        }

        public byte[] Bytes(long count, string what)
        {
            if (count > data.Length - _position)
                throw Fail($"truncated: {what} needs {count} bytes, {data.Length - _position} left");
            var bytes = data.AsSpan(_position, (int)count).ToArray();
            _position += (int)count;
            return bytes;
        }

        public string Utf8(int count, string what)
        {
            var bytes = Bytes(count, what);
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Fail($"{what} is not valid UTF-8");
            }
        }

        public void ExpectEnd()
        {
            if (_position != data.Length)
                throw Fail($"{data.Length - _position} unexpected bytes after the end");
        }
    }
}
