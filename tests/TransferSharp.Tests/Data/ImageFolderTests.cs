using SkiaSharp;
using TransferSharp.Data;

namespace TransferSharp.Tests.Data;

[Collection("Sequential")]
public sealed class ImageFolderTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Writes a PNG whose pixel (r, c) is (r*40, c*40, 200): exact values survive a same-size read.</summary>
    private static void WritePng(string path, int height, int width, Func<int, int, SKColor>? color = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                bitmap.SetPixel(c, r, color?.Invoke(r, c) ?? new SKColor((byte)(r * 40), (byte)(c * 40), 200));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private string Class(string name) => Path.Combine(dir.Path, name);

    [Fact]
    public void RoundTripRgb()
    {
        WritePng(Path.Combine(Class("cat"), "a.png"), 3, 4);
        WritePng(Path.Combine(Class("cat"), "b.PNG"), 3, 4);
        WritePng(Path.Combine(Class("dog"), "c.png"), 3, 4);
        File.WriteAllText(Path.Combine(Class("dog"), "notes.txt"), "skipped: not an image extension");

        using var data = ImageFolder.Read(dir.Path, 3, 4);

        Assert.Equal([3L, 3, 3, 4], data.Inputs.shape);
        Assert.Equal(["cat", "dog"], data.ClassNames);
        Assert.Equal([0L, 0, 1], data.LabelArray());
        Assert.Equal(80 / 255f, data.Inputs[2, 0, 2, 1].item<float>(), 5); // red = row * 40
        Assert.Equal(120 / 255f, data.Inputs[2, 1, 2, 3].item<float>(), 5); // green = col * 40
        Assert.Equal(200 / 255f, data.Inputs[0, 2, 1, 1].item<float>(), 5);
    }

    [Fact]
    public void GreyUsesLumaAndResizes()
    {
        WritePng(Path.Combine(Class("only"), "x.png"), 16, 12, (_, _) => new SKColor(255, 0, 0));

        using var data = ImageFolder.Read(dir.Path, 5, 7, rgb: false);

        Assert.Equal([1L, 1, 5, 7], data.Inputs.shape);
        Assert.Equal(0.299f, data.Inputs.min().item<float>(), 2);
        Assert.Equal(0.299f, data.Inputs.max().item<float>(), 2);
    }

    [Fact]
    public void GreyPngBecomesRgb()
    {
        var path = Path.Combine(dir.Path, "grey.png");
        using (var bitmap = new SKBitmap(new SKImageInfo(4, 3, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            bitmap.Erase(new SKColor(100, 100, 100));
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(path, png.ToArray());
        }
        using var x = ImageFolder.ReadImage(path, 6, 8);
        Assert.Equal([1L, 3, 6, 8], x.shape);
        Assert.Equal(100 / 255f, x.min().item<float>(), 2);
        Assert.Equal(100 / 255f, x.max().item<float>(), 2);
    }

    [Fact]
    public void ReadImageGivesOneBatch()
    {
        var path = Path.Combine(dir.Path, "one.png");
        WritePng(path, 3, 4);
        using var x = ImageFolder.ReadImage(path, 3, 4);
        Assert.Equal([1L, 3, 3, 4], x.shape);
        Assert.Equal(40 / 255f, x[0, 0, 1, 0].item<float>(), 5);
    }

    [Fact]
    public void MissingRoot()
    {
        var missing = Path.Combine(dir.Path, "no-such-folder");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(missing, 8, 8));
        Assert.StartsWith(missing, e.Message);
    }

    [Fact]
    public void NeitherClassFoldersNorImages()
    {
        File.WriteAllText(Path.Combine(dir.Path, "notes.txt"), "not an image");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(dir.Path, 8, 8));
        Assert.StartsWith(dir.Path, e.Message);
        Assert.Contains("no class subfolders and no images", e.Message);
        Assert.Contains("root/<class>/<images>", e.Message);
        Assert.Contains("root/<images> for unlabelled data", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void LooseImagesAreAnUnlabelledSetInOrdinalOrder()
    {
        // Written out of order, with names whose ordinal and culture orders differ ("B" < "a" ordinally).
        WritePng(Path.Combine(dir.Path, "b.png"), 3, 4, (_, _) => new SKColor(20, 0, 0));
        WritePng(Path.Combine(dir.Path, "a.jpg.png"), 3, 4, (_, _) => new SKColor(40, 0, 0));
        WritePng(Path.Combine(dir.Path, "B.PNG"), 3, 4, (_, _) => new SKColor(60, 0, 0));
        File.WriteAllText(Path.Combine(dir.Path, "readme.txt"), "skipped: not an image extension");
        Directory.CreateDirectory(Path.Combine(dir.Path, ".cache"));   // hidden folders are not classes

        using var data = ImageFolder.Read(dir.Path, 3, 4);

        Assert.False(data.HasLabels);
        Assert.Null(data.Labels);
        Assert.Empty(data.ClassNames);
        Assert.Equal([3L, 3, 3, 4], data.Inputs.shape);
        // Ordinal order: B.PNG, a.jpg.png, b.png.
        Assert.Equal([60 / 255f, 40 / 255f, 20 / 255f], Enumerable.Range(0, 3).Select(i => data.Inputs[i, 0, 0, 0].item<float>()).ToArray());
        Assert.Contains("unlabelled", data.Provenance);
        Assert.Contains("3 images", data.Provenance);
        Assert.Equal(Path.GetFileName(dir.Path), data.Name);
    }

    [Fact]
    public void ClassFoldersWinOverLooseImages()
    {
        WritePng(Path.Combine(dir.Path, "loose.png"), 3, 4);
        WritePng(Path.Combine(Class("cat"), "a.png"), 3, 4);
        WritePng(Path.Combine(Class("dog"), "b.png"), 3, 4);

        using var data = ImageFolder.Read(dir.Path, 3, 4);

        Assert.True(data.HasLabels);
        Assert.Equal(["cat", "dog"], data.ClassNames);
        Assert.Equal([0L, 1], data.LabelArray());
    }

    [Fact]
    public void CatalogLoadsAnUnlabelledFolderAndRefusesAClassFilter()
    {
        WritePng(Path.Combine(dir.Path, "a.png"), 3, 4);
        WritePng(Path.Combine(dir.Path, "b.png"), 3, 4);
        using var data = Catalog.Load(dir.Path, new DataOptions { ImageSize = 5, Rgb = false });
        Assert.False(data.HasLabels);
        Assert.Equal([2L, 1, 5, 5], data.Inputs.shape);
        Assert.ThrowsAny<Exception>(() => Catalog.Load(dir.Path + ":0", new DataOptions { ImageSize = 5 }));
    }

    [Fact]
    public void EmptyClassFolder()
    {
        WritePng(Path.Combine(Class("full"), "a.png"), 3, 4);
        Directory.CreateDirectory(Class("empty"));
        File.WriteAllText(Path.Combine(Class("empty"), "readme.md"), "no images here");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(dir.Path, 3, 4));
        Assert.Contains("empty", e.Message);
        Assert.Contains("no images", e.Message);
    }

    [Fact]
    public void UndecodableImageIsNamed()
    {
        WritePng(Path.Combine(Class("a"), "good.png"), 3, 4);
        var bad = Path.Combine(Class("a"), "x.png");
        File.WriteAllBytes(bad, Enumerable.Range(0, 500).Select(i => (byte)(i * 37 + 11)).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(dir.Path, 3, 4));
        Assert.StartsWith(bad, e.Message);
        Assert.Contains("x.png", e.Message);
    }

    [Fact]
    public void ReadImageOfMissingFile()
    {
        var missing = Path.Combine(dir.Path, "gone.jpg");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.ReadImage(missing, 3, 4));
        Assert.StartsWith(missing, e.Message);
    }
}
