using SkiaSharp;
using TransferSharp.Data;
using TransferSharp.Tests.Cli;

namespace TransferSharp.Tests.Data;

/// <summary>
/// A PNG or JPEG cut short must be rejected, not read half-decoded: SkiaSharp's <c>SKBitmap.Decode</c> returns a bitmap
/// for such a file (its codec reports IncompleteInput and leaves the missing rows blank).
/// </summary>
[Collection("Sequential")]
public sealed class TruncatedImageTests : IDisposable
{
    private readonly TestData.TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>A valid 48x48 noisy image encoded as <paramref name="format"/>.</summary>
    private static byte[] Encode(SKEncodedImageFormat format, int seed)
    {
        var rng = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(48, 48, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int r = 0; r < 48; r++)
            for (int c = 0; c < 48; c++)
                bitmap.SetPixel(c, r, new SKColor((byte)rng.Next(256), (byte)(r * 5), (byte)(c * 5)));
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>The first 60% of a valid image: past the header, before the end of the pixel data.</summary>
    private static byte[] Truncated(SKEncodedImageFormat format) { var bytes = Encode(format, 3); return bytes[..(bytes.Length * 6 / 10)]; }

    private static string Extension(SKEncodedImageFormat format) => format == SKEncodedImageFormat.Png ? ".png" : ".jpg";

    /// <summary>root/a and root/b with three valid images each, then one image of class b replaced by a truncated one.</summary>
    private string FolderWithTruncated(SKEncodedImageFormat format, out string bad)
    {
        foreach (var cls in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, "data", cls));
            for (int i = 0; i < 3; i++)
                File.WriteAllBytes(Path.Combine(dir.Path, "data", cls, $"img{i}{Extension(format)}"), Encode(format, 10 * i + cls[0]));
        }
        bad = Path.Combine(dir.Path, "data", "b", $"img1{Extension(format)}");
        File.WriteAllBytes(bad, Truncated(format));
        return Path.Combine(dir.Path, "data");
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void The_truncated_file_is_one_SkiaSharp_would_half_decode(SKEncodedImageFormat format)
    {
        // Guards the tests below: the cut file is one that SKBitmap.Decode accepts, and the whole file decodes.
        using var codec = SKCodec.Create(new MemoryStream(Truncated(format)));
        Assert.NotNull(codec);
        using var target = new SKBitmap(codec.Info);
        Assert.Equal(SKCodecResult.IncompleteInput, codec.GetPixels(codec.Info, target.GetPixels()));
        using var halfDecoded = SKBitmap.Decode(Truncated(format));
        Assert.NotNull(halfDecoded);
        var whole = Path.Combine(dir.Path, "whole" + Extension(format));
        File.WriteAllBytes(whole, Encode(format, 3));
        using var x = ImageFolder.ReadImage(whole, 48, 48);
        Assert.Equal([1L, 3, 48, 48], x.shape);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "PNG")]
    [InlineData(SKEncodedImageFormat.Jpeg, "JPEG")]
    public void ImageFolder_Read_rejects_a_truncated_image_naming_the_file(SKEncodedImageFormat format, string name)
    {
        var root = FolderWithTruncated(format, out var bad);
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(root, 16, 16));
        Assert.StartsWith(bad, e.Message);
        Assert.Contains($"truncated {name} image", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        var single = Assert.Throws<InvalidDataException>(() => ImageFolder.ReadImage(bad, 16, 16));
        Assert.Equal(e.Message, single.Message);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void The_streaming_reader_rejects_a_truncated_image_with_the_same_error(SKEncodedImageFormat format)
    {
        var root = FolderWithTruncated(format, out var bad);
        var expected = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(root, 16, 16)).Message;
        var stream = StreamingImageFolder.Open(root, 16, 16, options: new StreamingOptions { DecodeThreads = 2, QueueCapacity = 2 });
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var _ in stream.Batches(2, shuffle: true, seed: 1)) { }
        });
        Assert.Equal(expected, e.Message);
        Assert.StartsWith(bad, e.Message);
        Assert.Equal(0, stream.LastPass!.ActiveWorkers);
    }

    [Fact]
    public void A_file_cut_inside_its_header_is_rejected_as_truncated()
    {
        var bad = Path.Combine(dir.Path, "header.png");
        File.WriteAllBytes(bad, Encode(SKEncodedImageFormat.Png, 1)[..20]); // signature and part of IHDR
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.ReadImage(bad, 8, 8));
        Assert.StartsWith(bad, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Gif_files_are_read_by_the_folder_reader_as_by_predict()
    {
        // SkiaSharp encodes no GIF; this is a 2x1 GIF89a (palette red, blue) written by hand.
        byte[] gif =
        [
            0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x02, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, // header, 2x1, 2-colour table
            0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF,                                           // red, blue
            0x2C, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00,                   // image descriptor
            0x02, 0x02, 0x44, 0x0A, 0x00, 0x3B,                                           // LZW: clear, 0, 1, end; trailer
        ];
        Directory.CreateDirectory(Path.Combine(dir.Path, "g", "only"));
        File.WriteAllBytes(Path.Combine(dir.Path, "g", "only", "x.gif"), gif);
        using var data = ImageFolder.Read(Path.Combine(dir.Path, "g"), 1, 2);
        Assert.Equal(1, data.Count);
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 1f], data.Inputs.data<float>().ToArray()); // (C, H, W): red plane, green, blue
        Assert.Equal([Path.Combine(dir.Path, "g", "only", "x.gif")], TransferSharp.Evaluation.Predictor.ImageFiles(Path.Combine(dir.Path, "g")));
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void Train_on_a_folder_with_a_truncated_image_exits_2_naming_the_file(SKEncodedImageFormat format)
    {
        var root = FolderWithTruncated(format, out var bad);
        var r = CliRunner.Run(dir.Path, "train", "--data", root, "--size", "16", "--model", "mlp", "--epochs", "1", "--threads", "1");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Path.GetFileName(bad), line);
        Assert.Contains("truncated", line);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "runs")));
    }
}
