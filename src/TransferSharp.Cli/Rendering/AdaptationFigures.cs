using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Reporting;

namespace TransferSharp.Cli.Rendering;

/// <summary>The pictures of an <see cref="AdaptationReport"/>, drawn alike by <c>transfer adapt</c> and the tour.</summary>
internal static class AdaptationFigures
{
    /// <summary>
    /// Draws the t-SNE maps the report has (before: the source-only baseline; after: the method) and the learning
    /// curves, each to <paramref name="file"/>(its name); returns every file drawn with its caption.
    /// </summary>
    public static List<(string Png, string Caption)> Save(AdaptationReport report, IReadOnlyList<string> classes, string source, string target,
        Func<string, string> file, string curvesName = "curves.png")
    {
        var m = report.Metrics;
        string[] domains = [$"source ({source})", $"target ({target})"];
        var saved = new List<(string, string)>();
        if (report.FeaturesBefore is { } before)
            saved.Add(Map("tsne-before.png", before, $"before adaptation (source only): {Accuracy(m.SourceOnlyTargetAccuracy)}",
                "t-SNE of the features before adaptation (source only)"));
        if (report.FeaturesAfter is { } after)
            saved.Add(report.Adapts
                ? Map("tsne-after.png", after, $"after adaptation ({report.Method}): {Accuracy(m.TargetAccuracy)}", $"t-SNE of the features after {report.Method}")
                : Map("tsne.png", after, $"features ({report.Method}): {Accuracy(m.TargetAccuracy)}", $"t-SNE of the features ({report.Method})"));

        var h = report.History;
        bool labelled = report.TargetLabelled;   // an unlabelled target has no accuracy: no target curves rather than empty ones
        double[] x = h.Select(e => (double)e.Epoch).ToArray();
        var accuracy = new List<Curve> { new("source (held out)", x, h.Select(e => e.SourceAccuracy ?? double.NaN).ToArray()) };
        if (labelled) accuracy.Add(new("target (held out)", x, h.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()));
        accuracy.Add(new("domain classifier", x, h.Select(e => e.DomainAccuracy).ToArray()));
        if (report.SourceOnlyHistory is { } b && labelled)
            accuracy.Add(new("target, source only", b.Select(e => (double)e.Epoch).ToArray(), b.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()));
        string curves = file(curvesName);
        CurvesPlot.Save(curves,
        [
            new CurvePanel("Losses", "loss", [
                new("label (cross-entropy)", x, h.Select(e => e.ClassificationLoss).ToArray()),
                new("alignment", x, h.Select(e => e.AlignmentLoss).ToArray())]),
            new CurvePanel("Accuracy", "accuracy", accuracy, UnitRange: true),
        ], $"{report.Method}: {source} -> {target}{(labelled ? "" : " (target unlabelled)")}");
        saved.Add((curves, "learning curves: the losses; accuracy on the held-out source and target (evaluation only), and the domain classifier's"));
        return saved;

        (string, string) Map(string name, IReadOnlyList<FeaturePoint> points, string title, string caption)
        {
            string path = file(name);
            EmbeddingPlot.Save(path, points.Select(p => new EmbeddedPoint(p.X, p.Y, p.Class, p.Domain)).ToArray(), classes, domains, title);
            return (path, caption);
        }
    }

    private static string Accuracy(double? accuracy) => accuracy is { } a ? $"target accuracy {a:P1}" : "target unlabelled";
}
