using System.Buffers.Binary;
using System.IO.Compression;
using TransferSharp.Data;
using static TorchSharp.torch;

namespace TransferSharp.Tests.Data;

[Collection("Sequential")]
public sealed class IdxTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    // 3 images of 2x4; pixel i of image k is 10k + i, so values are easy to check.
    private static byte[] Images(int n = 3, int h = 2, int w = 4) => TestBytes.IdxImages(n, h, w, (k, i) => (byte)(10 * k + i));

    private static byte[] Labels(params byte[] labels) => TestBytes.IdxLabels(labels);

    private static byte[] Gzip(byte[] data) => TestBytes.Gzip(data);

    private string Write(string name, byte[] data)
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, data);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTrip(bool gzip)
    {
        // The gzip copy is named without .gz: detection must go by the magic bytes.
        var images = Write("images.idx", gzip ? Gzip(Images()) : Images());
        var labels = Write("labels.idx", gzip ? Gzip(Labels(2, 0, 7)) : Labels(2, 0, 7));

        using var data = Idx.Read(images, labels);

        Assert.Equal([3L, 1, 2, 4], data.Inputs.shape);
        Assert.Equal(ScalarType.Float32, data.Inputs.dtype);
        Assert.Equal([2L, 0, 7], data.LabelArray());
        Assert.Equal(10, data.ClassCount);
        Assert.Equal(13 / 255f, data.Inputs[1, 0, 0, 3].item<float>(), 6);
        Assert.Equal(27 / 255f, data.Inputs[2, 0, 1, 3].item<float>(), 6);
    }

    [Fact]
    public void ReadImagesIsUnlabelled()
    {
        using var data = Idx.ReadImages(Write("images", Gzip(Images())));
        Assert.False(data.HasLabels);
        Assert.Equal([3L, 1, 2, 4], data.Inputs.shape);
    }

    [Fact]
    public void DefaultClassNamesGrowPastNine()
    {
        using var data = Idx.Read(Write("i", Images()), Write("l", Labels(0, 12, 3)));
        Assert.Equal(13, data.ClassCount);
        Assert.Equal("12", data.ClassNames[12]);
    }

    [Fact]
    public void IsIdxSniffs()
    {
        Assert.True(Idx.IsIdx(Write("a", Images())));
        Assert.True(Idx.IsIdx(Write("b", Gzip(Labels(1)))));
        Assert.False(Idx.IsIdx(Write("c", [1, 2, 3, 4, 5])));
        Assert.False(Idx.IsIdx(Write("d", [0, 0])));
        Assert.False(Idx.IsIdx(dir.File("missing")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]   // magic only
    [InlineData(10)]  // mid-header
    [InlineData(16)]  // header, no pixels
    [InlineData(30)]  // mid-pixels
    [InlineData(39)]  // one byte short
    public void TruncatedImages(int length)
    {
        var images = Write("train-images-idx3-ubyte", Images()[..length]);
        var labels = Write("labels", Labels(1, 2, 3));
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(images, labels));
        Assert.StartsWith(images, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(1)]   // half the gzip magic
    [InlineData(10)]  // gzip header only
    [InlineData(-1)]  // half the compressed stream
    public void TruncatedGzipImages(int length)
    {
        var gz = Gzip(Images(n: 50, h: 8, w: 8));
        var images = Write("images.gz", gz[..(length < 0 ? gz.Length / 2 : length)]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(images));
        Assert.Contains("images.gz", e.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(9)]
    public void TruncatedLabels(int length)
    {
        var labels = Write("train-labels-idx1-ubyte", Labels(1, 2, 3)[..length]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(Write("images", Images()), labels));
        Assert.StartsWith(labels, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void LyingHeaderDoesNotOverflow()
    {
        var bytes = Images();
        for (int d = 0; d < 3; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), int.MaxValue);
        var images = Write("images", bytes);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(images));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void TrailingGarbage()
    {
        var images = Write("images", [.. Images(), 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(images));
        Assert.StartsWith(images, e.Message);
        Assert.Contains("trailing", e.Message);
    }

    [Fact]
    public void WrongMagic()
    {
        var bytes = Images();
        bytes[0] = 0x12;
        var images = Write("images", bytes);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(images, Write("labels", Labels(1, 2, 3))));
        Assert.StartsWith(images, e.Message);
        Assert.Contains("0x12000803", e.Message);
    }

    [Fact]
    public void SwappedFilesNameTheDimensionCount()
    {
        var labelsAsImages = Write("labels-as-images", Labels(1, 2, 3));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(labelsAsImages));
        Assert.StartsWith(labelsAsImages, e.Message);
        Assert.Contains("0x00000801", e.Message);
    }

    [Fact]
    public void WrongDataType()
    {
        var bytes = Images();
        bytes[2] = 0x0D; // float
        var images = Write("images", bytes);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(images));
        Assert.Contains("0x0D", e.Message);
    }

    [Fact]
    public void CountMismatch()
    {
        var labels = Write("labels", Labels(1, 2));
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(Write("images", Images()), labels));
        Assert.StartsWith(labels, e.Message);
        Assert.Contains("2 labels", e.Message);
    }

    [Fact]
    public void LabelBeyondClassNames()
    {
        var labels = Write("labels", Labels(0, 1, 5));
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(Write("images", Images()), labels, ["a", "b", "c"]));
        Assert.StartsWith(labels, e.Message);
    }

    [Fact]
    public void MissingFile()
    {
        var missing = dir.File("nope.gz");
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(missing));
        Assert.StartsWith(missing, e.Message);
    }
}
