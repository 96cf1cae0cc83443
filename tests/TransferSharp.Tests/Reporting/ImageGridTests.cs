using SkiaSharp;
using TransferSharp.Reporting;

namespace TransferSharp.Tests.Reporting;

public sealed class ImageGridTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ts-grid-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static GridImage Solid(float r, float g, float b, int height, int width)
    {
        int plane = height * width;
        var pixels = new float[3 * plane];
        Array.Fill(pixels, r, 0, plane);
        Array.Fill(pixels, g, plane, plane);
        Array.Fill(pixels, b, 2 * plane, plane);
        return new GridImage(3, height, width, pixels);
    }

    [Fact]
    public void Grid_of_two_rows_by_three_images_has_the_documented_size_and_colours()
    {
        const int h = 7, w = 5, scale = 3;
        var rows = new[]
        {
            new GridRow("zero", [Solid(0.2f, 0.4f, 0.6f, h, w), Solid(1, 0, 0, h, w), Solid(0, 1, 0, h, w)]),
            new GridRow("one", [Solid(0, 0, 1, h, w), Solid(0.5f, 0.5f, 0.5f, h, w), Solid(2f, -1f, float.NaN, h, w)]),
        };
        string path = Path.Combine(_dir, "grid.png");

        ImageGrid.Save(path, rows, scale);

        // Layout from the documented constants: margin, label column, cells separated by gaps.
        int cellW = w * scale, cellH = h * scale;
        int expectedWidth = 2 * ImageGrid.Margin + ImageGrid.LabelWidth + 3 * cellW + 2 * ImageGrid.Gap;
        int expectedHeight = 2 * ImageGrid.Margin + 2 * cellH + 1 * ImageGrid.Gap;
        using var png = SKBitmap.Decode(path);
        Assert.NotNull(png);
        Assert.Equal(expectedWidth, png.Width);
        Assert.Equal(expectedHeight, png.Height);

        int x0 = ImageGrid.Margin + ImageGrid.LabelWidth, y0 = ImageGrid.Margin;
        // 0.2, 0.4, 0.6 -> 51, 102, 153; every pixel of the scaled image, corners included.
        foreach (var (x, y) in new[] { (x0, y0), (x0 + cellW - 1, y0 + cellH - 1), (x0 + cellW / 2, y0 + cellH / 2) })
            Assert.Equal(new SKColor(51, 102, 153), png.GetPixel(x, y));
        // Second image of the first row starts one cell and one gap later.
        Assert.Equal(new SKColor(255, 0, 0), png.GetPixel(x0 + cellW + ImageGrid.Gap, y0));
        // Out-of-range and NaN values are clamped: (2, -1, NaN) -> (255, 0, 0).
        int x5 = x0 + 2 * (cellW + ImageGrid.Gap), y5 = y0 + cellH + ImageGrid.Gap;
        Assert.Equal(new SKColor(255, 0, 0), png.GetPixel(x5 + 1, y5 + 1));
        // The gap between two images and the margin are background.
        Assert.Equal(SKColors.White, png.GetPixel(x0 + cellW, y0));
        Assert.Equal(SKColors.White, png.GetPixel(0, 0));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Grey_images_and_smaller_images_are_placed_in_the_largest_cell()
    {
        var grey = new GridImage(1, 2, 2, [0f, 1f, 0.5f, 0.25f]);
        var big = Solid(0, 0, 0, 4, 4);
        string path = Path.Combine(_dir, "mixed.png");

        ImageGrid.Save(path, [new GridRow("a", [grey, big]), new GridRow("b", [])], scale: 2);

        using var png = SKBitmap.Decode(path);
        int cell = 4 * 2;
        Assert.Equal(2 * ImageGrid.Margin + ImageGrid.LabelWidth + 2 * cell + ImageGrid.Gap, png.Width);
        Assert.Equal(2 * ImageGrid.Margin + 2 * cell + ImageGrid.Gap, png.Height);
        // The 4x4 grey image is centred in the 8x8 cell: offset 2, each source pixel is 2x2.
        int x = ImageGrid.Margin + ImageGrid.LabelWidth + 2, y = ImageGrid.Margin + 2;
        Assert.Equal(new SKColor(0, 0, 0), png.GetPixel(x, y));
        Assert.Equal(new SKColor(255, 255, 255), png.GetPixel(x + 2, y + 1));
        Assert.Equal(new SKColor(128, 128, 128), png.GetPixel(x + 1, y + 2));
        Assert.Equal(new SKColor(64, 64, 64), png.GetPixel(x + 3, y + 3));
    }

    [Fact]
    public void Invalid_images_are_rejected_with_their_position()
    {
        string path = Path.Combine(_dir, "bad.png");
        var wrongLength = new GridImage(3, 2, 2, new float[5]);
        var ex = Assert.Throws<ArgumentException>(() => ImageGrid.Save(path, [new GridRow("x", [Solid(0, 0, 0, 2, 2), wrongLength])]));
        Assert.Contains("rows[0].Images[1]", ex.Message);
        Assert.Throws<ArgumentException>(() => ImageGrid.Save(path, [new GridRow("x", [new GridImage(2, 1, 1, new float[2])])]));
        Assert.Throws<ArgumentException>(() => ImageGrid.Save(path, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Save(path, [new GridRow("x", [Solid(0, 0, 0, 2, 2)])], scale: 0));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Failing_write_throws_and_leaves_no_temp_file()
    {
        string missing = Path.Combine(_dir, "no-such-dir");
        string path = Path.Combine(missing, "grid.png");

        Assert.ThrowsAny<IOException>(() => ImageGrid.Save(path, [new GridRow("x", [Solid(0, 0, 0, 2, 2)])]));

        Assert.False(File.Exists(path + ".tmp"));
        Assert.False(Directory.Exists(missing));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
