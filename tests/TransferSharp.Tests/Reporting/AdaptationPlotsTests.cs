using TransferSharp.Reporting;

namespace TransferSharp.Tests.Reporting;

public sealed class AdaptationPlotsTests
{
    [Fact]
    public void The_embedding_plot_is_a_png_of_the_requested_size()
    {
        using var dir = new TestData.TempFolder();
        var rng = new Random(0);
        var points = Enumerable.Range(0, 60).Select(i => new EmbeddedPoint(rng.NextDouble(), rng.NextDouble(), i % 3, i % 2)).ToArray();
        var path = dir.File("tsne.png");
        EmbeddingPlot.Save(path, points, ["a", "b", "c"], ["source", "target"], "t-SNE", 800, 400);
        using var png = SkiaSharp.SKBitmap.Decode(path);
        Assert.Equal((800, 400), (png.Width, png.Height));
    }

    [Fact]
    public void The_embedding_plot_names_a_point_without_a_class()
    {
        using var dir = new TestData.TempFolder();
        var e = Assert.Throws<ArgumentException>(() =>
            EmbeddingPlot.Save(dir.File("x.png"), [new EmbeddedPoint(0, 0, 5, 0)], ["a"], ["source"], "t"));
        Assert.Contains("class 5", e.Message);
    }

    [Fact]
    public void Points_of_an_unlabelled_domain_are_drawn_grey_in_the_class_panel()
    {
        using var dir = new TestData.TempFolder();
        // Source points (domain 0) have classes; target points (domain 1) have none, or (for comparison) classes too.
        int GreyPixels(bool targetUnlabelled)
        {
            var rng = new Random(0);
            var points = Enumerable.Range(0, 60).Select(i => new EmbeddedPoint(rng.NextDouble(), rng.NextDouble(),
                i % 2 == 1 && targetUnlabelled ? EmbeddingPlot.NoClass : i % 3, i % 2)).ToArray();
            var path = dir.File($"tsne-{targetUnlabelled}.png");
            EmbeddingPlot.Save(path, points, ["a", "b", "c"], ["source", "target"], "t-SNE", 800, 400);
            using var png = SkiaSharp.SKBitmap.Decode(path);
            int count = 0;
            for (int y = 0; y < png.Height; y++)
                for (int x = png.Width / 2; x < png.Width; x++)            // the class panel
                {
                    var c = png.GetPixel(x, y);
                    if (c.Red == c.Green && c.Green == c.Blue && c.Red is > 150 and < 210) count++;
                }
            return count;
        }
        int unlabelled = GreyPixels(true), labelled = GreyPixels(false);
        Assert.True(unlabelled > labelled + 200, $"grey pixels in the class panel: {unlabelled} with an unlabelled target, {labelled} without");
        Assert.Throws<ArgumentException>(() => EmbeddingPlot.Save(dir.File("x.png"), [new EmbeddedPoint(0, 0, -2, 0)], ["a"], ["source"], "t"));
    }

    [Fact]
    public void Curves_skip_missing_values_and_check_lengths()
    {
        using var dir = new TestData.TempFolder();
        var path = dir.File("curves.png");
        CurvesPlot.Save(path, [
            new CurvePanel("Losses", "loss", [new Curve("label", [1, 2, 3], [1.0, 0.5, 0.3]), new Curve("domain", [1, 2, 3], [double.NaN, 0.6, 0.7])]),
            new CurvePanel("Accuracy", "accuracy", [new Curve("target", [1, 2, 3], [0.3, 0.5, 0.6])], UnitRange: true),
        ], "run");
        Assert.True(new FileInfo(path).Length > 1000);
        Assert.Throws<ArgumentException>(() => CurvesPlot.Save(path, [new CurvePanel("p", "y", [new Curve("bad", [1, 2], [1.0])])], "t"));
    }
}
