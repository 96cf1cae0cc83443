
namespace TransferSharp.Reporting.Tour;

/// <summary>The tour's learning curves: one value per epoch for each run, drawn with <see cref="CurvePlot"/>.</summary>
internal static class TourCurves
{
    /// <summary>One curve: its legend text and the value at epochs 1, 2, ...; NaN values are left out.</summary>
    public sealed record Curve(string Name, IReadOnlyList<double> PerEpoch, bool Dashed = false);

    public static void Save(string path, string title, string yLabel, params Curve[] curves) =>
        CurvePlot.Save(path, title, "epoch", yLabel,
            curves.Select(c => new CurveSeries(c.Name, Enumerable.Range(1, c.PerEpoch.Count).Select(e => (double)e).ToArray(),
                c.PerEpoch.ToArray(), Dashed: c.Dashed)).ToArray(), []);
}
