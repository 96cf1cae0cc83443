using TransferSharp.Reporting;

namespace TransferSharp.Tests.Reporting;

public sealed class HeatmapTests
{
    [Fact]
    public void Confusion_matrix_is_written_as_a_png_with_one_cell_per_pair()
    {
        using var dir = new TestData.TempFolder();
        var path = dir.File("confusion.png");
        Heatmap.SaveConfusion(path, new[,] { { 8, 2, 0 }, { 1, 9, 0 }, { 0, 5, 5 } }, ["a", "b", "c *"], ["a", "b", "c *"], "test");
        using var png = SkiaSharp.SKBitmap.Decode(path);
        Assert.True(png.Width > 3 * Heatmap.CellSize && png.Height > 3 * Heatmap.CellSize + Heatmap.TitleHeight);
        Assert.False(File.Exists(path + AtomicFile.TempSuffix));
        // The top-left cell (8 of 10, 0.8 of the colour scale) is darker than the empty top-right cell (white).
        int x0 = png.Width - 10 - 3 * Heatmap.CellSize, y0 = 10 + Heatmap.TitleHeight;
        var dark = png.GetPixel(x0 + 5, y0 + 5);
        var white = png.GetPixel(x0 + 2 * Heatmap.CellSize + 5, y0 + 5);
        Assert.True(dark.Red < 100 && white.Red > 240, $"cell colours {dark} and {white}");
    }

    [Fact]
    public void Mismatched_labels_are_rejected()
    {
        using var dir = new TestData.TempFolder();
        var e = Assert.Throws<ArgumentException>(() => Heatmap.Save(dir.File("x.png"), new double[2, 2], ["a"], ["a", "b"], "t"));
        Assert.Contains("1 row labels for 2 rows", e.Message);
    }
}
