using ScottPlot;

namespace TransferSharp.Reporting;

/// <summary>One named curve of a <see cref="LinePlot"/>: x and y coordinates of equal length.</summary>
public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>Curves on one pair of axes, saved as PNG (e.g. the seen-unseen accuracy curve of generalized zero-shot learning).</summary>
public static class LinePlot
{
    private static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];

    /// <summary>
    /// Draws <paramref name="series"/> and writes a PNG to <paramref name="path"/> atomically. Non-finite points are
    /// left out. With <paramref name="unitSquare"/> both axes span [0, 1].
    /// </summary>
    /// <exception cref="ArgumentException">No series, or a series whose X and Y differ in length.</exception>
    public static void Save(string path, IReadOnlyList<Series> series, string title, string xLabel, string yLabel,
        bool unitSquare = false, int width = 600, int height = 500)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (series.Count == 0) throw new ArgumentException("nothing to plot: no series", nameof(series));
        foreach (var s in series)
            if (s.X.Count != s.Y.Count) throw new ArgumentException($"series '{s.Label}' has {s.X.Count} x values but {s.Y.Count} y values", nameof(series));
        using var plot = new Plot();
        if (SansFont.FamilyName is { } family) plot.Font.Set(family, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
        plot.Title(title, 14);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        for (int i = 0; i < series.Count; i++)
        {
            var kept = series[i].X.Zip(series[i].Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
            if (kept.Length == 0) continue;
            var line = plot.Add.Scatter(kept.Select(p => p.First).ToArray(), kept.Select(p => p.Second).ToArray(), Color.FromHex(Colors[i % Colors.Length]));
            line.LegendText = series[i].Label;
            line.LineWidth = 2;
            line.MarkerSize = kept.Length > 40 ? 0 : 5;
        }
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        if (unitSquare) plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        var bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
