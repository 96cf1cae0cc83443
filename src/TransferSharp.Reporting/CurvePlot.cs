using ScottPlot;

namespace TransferSharp.Reporting;

/// <summary>One curve of a <see cref="CurvePlot"/>: y against x, with an optional error bar (e.g. one std) at each point.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">x coordinates.</param>
/// <param name="Y">y coordinates, one per x.</param>
/// <param name="Error">Half-height of the error bar at each point, or null for none.</param>
/// <param name="Color">Hex colour such as <c>#1f77b4</c>, or null for the palette's next.</param>
/// <param name="Dashed">Draw the line dashed.</param>
public sealed record CurveSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<double>? Error = null,
    string? Color = null, bool Dashed = false);

/// <summary>A horizontal reference line across a <see cref="CurvePlot"/> (e.g. a baseline's accuracy).</summary>
public sealed record ReferenceLine(string Label, double Y, string? Color = null);

/// <summary>
/// Line plot of several curves with error bars and horizontal reference lines, saved as PNG: the shape of Yosinski
/// et al.'s transferability figure (accuracy against the number of copied layers, one curve per condition, the base
/// network as a line).
/// </summary>
public static class CurvePlot
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>Renders the curves and writes a PNG atomically; throws <see cref="ArgumentException"/> naming a bad input.</summary>
    public static void Save(string path, string title, string xLabel, string yLabel, IReadOnlyList<CurveSeries> series,
        IReadOnlyList<ReferenceLine>? lines = null, int width = 900, int height = 560)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0 && (lines is null || lines.Count == 0)) throw new ArgumentException("nothing to plot: no curves and no lines", nameof(series));
        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count) throw new ArgumentException($"curve '{s.Label}' has {s.X.Count} x values and {s.Y.Count} y values", nameof(series));
            if (s.Error is not null && s.Error.Count != s.Y.Count) throw new ArgumentException($"curve '{s.Label}' has {s.Error.Count} error values for {s.Y.Count} points", nameof(series));
        }
        if (width < LearningCurvePlot.MinSide || width > LearningCurvePlot.MaxSide)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be between {LearningCurvePlot.MinSide} and {LearningCurvePlot.MaxSide}.");
        if (height < LearningCurvePlot.MinSide || height > LearningCurvePlot.MaxSide)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"height must be between {LearningCurvePlot.MinSide} and {LearningCurvePlot.MaxSide}.");

        using var plot = new Plot();
        if (SansFont.FamilyName is { } family) plot.Font.Set(family, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
        plot.Title(title, 16);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        int next = 0;
        foreach (var s in series)
        {
            var color = Color.FromHex(s.Color ?? Palette[next++ % Palette.Length]);
            var keep = Enumerable.Range(0, s.X.Count).Where(i => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])).ToArray();
            if (keep.Length == 0) continue;
            double[] xs = keep.Select(i => s.X[i]).ToArray(), ys = keep.Select(i => s.Y[i]).ToArray();
            var scatter = plot.Add.Scatter(xs, ys, color);
            scatter.LegendText = s.Label;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 7;
            if (s.Dashed) scatter.LinePattern = LinePattern.Dashed;
            if (s.Error is not null)
            {
                var bars = plot.Add.ErrorBar(xs, ys, keep.Select(i => double.IsFinite(s.Error[i]) ? s.Error[i] : 0).ToArray());
                bars.Color = color;
            }
        }
        foreach (var line in lines ?? [])
        {
            var color = Color.FromHex(line.Color ?? Palette[next++ % Palette.Length]);
            var h = plot.Add.HorizontalLine(line.Y, 2, color, LinePattern.Dashed);
            h.LegendText = line.Label;
        }
        plot.ShowLegend(Alignment.LowerLeft);
        var xsAll = series.SelectMany(s => s.X).Where(double.IsFinite).ToArray();
        if (xsAll.Length > 0 && xsAll.All(x => x == Math.Round(x)))
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (xsAll.Length > 0) plot.Axes.SetLimitsX(xsAll.Min() - 0.5, xsAll.Max() + 0.5);
        var bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
