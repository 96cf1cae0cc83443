using ScottPlot;
using SkiaSharp;

namespace TransferSharp.Reporting;

/// <summary>One embedded example: its 2-D coordinates, class index (<see cref="EmbeddingPlot.NoClass"/> when unlabelled) and domain index.</summary>
public sealed record EmbeddedPoint(double X, double Y, int Class, int Domain);

/// <summary>
/// A 2-D embedding (e.g. t-SNE of features) drawn twice side by side: coloured by domain (left) and by class
/// (right, marker shape by domain), as in the DANN paper's figure. Saved as PNG. Points of an unlabelled domain
/// (class <see cref="NoClass"/>) are drawn grey in the class panel, in their domain's shape.
/// </summary>
public static class EmbeddingPlot
{
    /// <summary>The class of a point that has none (an unlabelled domain): drawn grey, named "no label".</summary>
    public const int NoClass = -1;

    private static readonly ScottPlot.Color NoClassColor = ScottPlot.Color.FromHex("#9a9a9a");

    private static readonly MarkerShape[] DomainShapes = [MarkerShape.FilledCircle, MarkerShape.OpenCircle, MarkerShape.FilledSquare, MarkerShape.OpenSquare];
    private static readonly ScottPlot.Color[] DomainColors = [ScottPlot.Color.FromHex("#1f77b4"), ScottPlot.Color.FromHex("#d62728"),
        ScottPlot.Color.FromHex("#2ca02c"), ScottPlot.Color.FromHex("#9467bd")];

    /// <summary>Writes the two-panel scatter plot of <paramref name="points"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The PNG file; its folder must exist.</param>
    /// <param name="points">The points; <c>Class</c> indexes <paramref name="classNames"/> (or is <see cref="NoClass"/>), <c>Domain</c> indexes <paramref name="domainNames"/>.</param>
    /// <param name="classNames">Names of the classes.</param>
    /// <param name="domainNames">Names of the domains (at most 4), e.g. source and target.</param>
    /// <param name="title">Figure title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public static void Save(string path, IReadOnlyList<EmbeddedPoint> points, IReadOnlyList<string> classNames,
        IReadOnlyList<string> domainNames, string title, int width = 1200, int height = 600)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException("no points to plot", nameof(points));
        if (domainNames.Count is < 1 or > 4) throw new ArgumentException($"1 to 4 domains can be drawn, got {domainNames.Count}", nameof(domainNames));
        foreach (var p in points)
        {
            if ((p.Class < 0 && p.Class != NoClass) || p.Class >= classNames.Count) throw new ArgumentException($"class {p.Class} has no name (0..{classNames.Count - 1})", nameof(points));
            if (p.Domain < 0 || p.Domain >= domainNames.Count) throw new ArgumentException($"domain {p.Domain} has no name (0..{domainNames.Count - 1})", nameof(points));
        }
        if (width < LearningCurvePlot.MinSide || height < LearningCurvePlot.MinSide || width > LearningCurvePlot.MaxSide || height > LearningCurvePlot.MaxSide)
            throw new ArgumentOutOfRangeException(nameof(width), $"size must be between {LearningCurvePlot.MinSide} and {LearningCurvePlot.MaxSide}");

        using var byDomain = new Plot();
        using var byClass = new Plot();
        Style(byDomain, "coloured by domain");
        Style(byClass, "coloured by class (shape: domain)");
        var palette = new ScottPlot.Palettes.Category10();
        for (int dom = 0; dom < domainNames.Count; dom++)
        {
            var mine = points.Where(p => p.Domain == dom).ToArray();
            if (mine.Length == 0) continue;
            var m = byDomain.Add.Markers(mine.Select(p => p.X).ToArray(), mine.Select(p => p.Y).ToArray(), DomainShapes[dom], 4, DomainColors[dom].WithAlpha(0.6));
            m.LegendText = domainNames[dom];
            for (int c = 0; c < classNames.Count; c++)
            {
                var cls = mine.Where(p => p.Class == c).ToArray();
                if (cls.Length == 0) continue;
                var mc = byClass.Add.Markers(cls.Select(p => p.X).ToArray(), cls.Select(p => p.Y).ToArray(), DomainShapes[dom], 4, palette.GetColor(c));
                if (dom == 0) mc.LegendText = classNames[c];
            }
            var unlabelled = mine.Where(p => p.Class == NoClass).ToArray();
            if (unlabelled.Length > 0)
            {
                var mu = byClass.Add.Markers(unlabelled.Select(p => p.X).ToArray(), unlabelled.Select(p => p.Y).ToArray(), DomainShapes[dom], 4, NoClassColor.WithAlpha(0.6));
                mu.LegendText = $"{domainNames[dom]}: no label";
            }
        }
        byDomain.ShowLegend(Alignment.UpperRight);
        byClass.ShowLegend(Edge.Right);

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        PlotCanvas.DrawTitle(canvas, title, width);
        float middle = width / 2f;
        PlotCanvas.RenderPanel(byDomain, canvas, new PixelRect(0, middle, height, LearningCurvePlot.TitleHeight));
        PlotCanvas.RenderPanel(byClass, canvas, new PixelRect(middle, width, height, LearningCurvePlot.TitleHeight));
        PlotCanvas.SavePng(surface, path);
    }

    private static void Style(Plot plot, string panelTitle)
    {
        if (SansFont.FamilyName is { } family) plot.Font.Set(family, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
        plot.Title(panelTitle, 14);
        plot.Axes.Bottom.TickLabelStyle.IsVisible = false;
        plot.Axes.Left.TickLabelStyle.IsVisible = false;
    }
}
