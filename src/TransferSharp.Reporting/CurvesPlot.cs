using ScottPlot;
using SkiaSharp;

namespace TransferSharp.Reporting;

/// <summary>One named series: y against x (non-finite y values are left out).</summary>
public sealed record Curve(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>One panel of a <see cref="CurvesPlot"/>: its curves, y-axis label, and whether y is a fraction in [0, 1].</summary>
public sealed record CurvePanel(string Title, string YLabel, IReadOnlyList<Curve> Curves, bool UnitRange = false);

/// <summary>Side-by-side panels of named curves against epochs (e.g. losses and accuracies of a domain-adaptation run), saved as PNG.</summary>
public static class CurvesPlot
{
    /// <summary>Writes the panels to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IReadOnlyList<CurvePanel> panels, string title, string xLabel = "epoch", int width = 1100, int height = 450)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("no panels to plot", nameof(panels));
        foreach (var c in panels.SelectMany(p => p.Curves))
            if (c.X.Count != c.Y.Count) throw new ArgumentException($"curve '{c.Label}' has {c.X.Count} x values and {c.Y.Count} y values", nameof(panels));
        if (width < LearningCurvePlot.MinSide || height < LearningCurvePlot.MinSide || width > LearningCurvePlot.MaxSide || height > LearningCurvePlot.MaxSide)
            throw new ArgumentOutOfRangeException(nameof(width), $"size must be between {LearningCurvePlot.MinSide} and {LearningCurvePlot.MaxSide}");

        var palette = new ScottPlot.Palettes.Category10();
        var plots = panels.Select(_ => new Plot()).ToArray();
        try
        {
            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
            using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} surface.");
            var canvas = surface.Canvas;
            canvas.Clear(SKColors.White);
            PlotCanvas.DrawTitle(canvas, title, width);
            float panelWidth = width / (float)panels.Count;
            for (int i = 0; i < panels.Count; i++)
            {
                var plot = plots[i];
                if (SansFont.FamilyName is { } family) plot.Font.Set(family, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
                plot.Title(panels[i].Title, 14);
                plot.XLabel(xLabel, 13);
                plot.YLabel(panels[i].YLabel, 13);
                plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
                int colour = 0;
                foreach (var c in panels[i].Curves)
                {
                    var kept = Enumerable.Range(0, c.X.Count).Where(k => double.IsFinite(c.Y[k]) && double.IsFinite(c.X[k])).ToArray();
                    var color = palette.GetColor(colour++);
                    if (kept.Length == 0) continue;
                    var s = plot.Add.Scatter(kept.Select(k => c.X[k]).ToArray(), kept.Select(k => c.Y[k]).ToArray(), color);
                    s.LegendText = c.Label;
                    s.LineWidth = 2;
                    s.MarkerSize = kept.Length > 60 ? 0 : 5;
                }
                if (panels[i].UnitRange) plot.Axes.SetLimitsY(-0.02, 1.02);
                plot.ShowLegend(panels[i].UnitRange ? Alignment.LowerRight : Alignment.UpperRight);
                PlotCanvas.RenderPanel(plot, canvas, new PixelRect(i * panelWidth, (i + 1) * panelWidth, height, LearningCurvePlot.TitleHeight));
            }
            PlotCanvas.SavePng(surface, path);
        }
        finally
        {
            foreach (var p in plots) p.Dispose();
        }
    }
}
