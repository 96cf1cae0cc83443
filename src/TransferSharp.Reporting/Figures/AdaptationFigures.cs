using TransferSharp.DomainAdaptation;

namespace TransferSharp.Reporting;

/// <summary>The pictures of an <see cref="AdaptationReport"/>, as <c>transfer adapt</c> and the tour draw them.</summary>
public static class AdaptationFigures
{
    /// <summary>
    /// Draws the report's t-SNE maps (before: the source-only baseline; after: the method) and its learning curves, each
    /// to <paramref name="file"/>(name); returns the files drawn with their captions.
    /// </summary>
    public static List<(string Png, string Caption)> Save(AdaptationReport report, IReadOnlyList<string> classes, string source, string target,
        Func<string, string> file, string curvesName = "curves.png")
    {
        var (m, h, name, labelled) = (report.Metrics, report.History, report.Method, report.TargetLabelled);
        var saved = new List<(string, string)>();
        if (report.FeaturesBefore is { } before)
            Map("tsne-before.png", before, $"before adaptation (source only): {Accuracy(m.SourceOnlyTargetAccuracy)}", "t-SNE of the features before adaptation (source only)");
        if (report.FeaturesAfter is { } after)
            Map(report.Adapts ? "tsne-after.png" : "tsne.png", after, $"{(report.Adapts ? "after adaptation" : "features")} ({name}): {Accuracy(m.TargetAccuracy)}", $"t-SNE of the features ({name})");

        // An unlabelled target has no accuracy: no target curves rather than empty ones.
        double[] x = h.Select(e => (double)e.Epoch).ToArray();
        List<Curve> accuracy = [new("source (held out)", x, h.Select(e => e.SourceAccuracy ?? double.NaN).ToArray())];
        if (labelled) accuracy.Add(new("target (held out)", x, h.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()));
        accuracy.Add(new("domain classifier", x, h.Select(e => e.DomainAccuracy).ToArray()));
        if (report.SourceOnlyHistory is { } b && labelled)
            accuracy.Add(new("target, source only", b.Select(e => (double)e.Epoch).ToArray(), b.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()));
        CurvesPlot.Save(file(curvesName), [
            new CurvePanel("Losses", "loss", [new("label (cross-entropy)", x, h.Select(e => e.ClassificationLoss).ToArray()), new("alignment", x, h.Select(e => e.AlignmentLoss).ToArray())]),
            new CurvePanel("Accuracy", "accuracy", accuracy, UnitRange: true)], $"{name}: {source} -> {target}{(labelled ? "" : " (target unlabelled)")}");
        saved.Add((file(curvesName), "learning curves: the losses; accuracy on the held-out source and target (evaluation only), and the domain classifier's"));
        return saved;

        void Map(string png, IReadOnlyList<FeaturePoint> points, string title, string caption)
        {
            EmbeddingPlot.Save(file(png), points.Select(p => new EmbeddedPoint(p.X, p.Y, p.Class, p.Domain)).ToArray(), classes, [$"source ({source})", $"target ({target})"], title);
            saved.Add((file(png), caption));
        }
    }

    private static string Accuracy(double? accuracy) => accuracy is { } a ? $"target accuracy {a:P1}" : "target unlabelled";
}
