using SkiaSharp;
using TransferSharp.Reporting;

namespace TransferSharp.Tests.Reporting;

public sealed class CurvePlotTests
{
    [Fact]
    public void Writes_a_png_with_curves_error_bars_and_a_reference_line()
    {
        using var dir = new TestData.TempFolder();
        var path = dir.File("curves.png");
        double[] n = [1, 2, 3];
        CurvePlot.Save(path, "transfer", "n", "accuracy",
            [new CurveSeries("AnB", n, [0.6, 0.5, double.NaN], [0.01, 0.02, 0.0]), new CurveSeries("AnB+", n, [0.65, 0.66, 0.67], Dashed: true)],
            [new ReferenceLine("baseB", 0.62)], 700, 400);
        using var png = SKBitmap.Decode(path);
        Assert.Equal(700, png.Width);
        Assert.Equal(400, png.Height);
        Assert.Contains(png.Pixels, p => p != SKColors.White);
    }

    [Fact]
    public void Mismatched_lengths_are_named()
    {
        using var dir = new TestData.TempFolder();
        var e = Assert.Throws<ArgumentException>(() => CurvePlot.Save(dir.File("x.png"), "t", "x", "y", [new CurveSeries("bad", [1, 2], [0.5])]));
        Assert.Contains("'bad'", e.Message);
    }
}
