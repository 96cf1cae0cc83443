using TransferSharp.ZeroShot;

namespace TransferSharp.Reporting;

/// <summary>The pictures of a zero-shot report, for the command and the tour alike.</summary>
public static class ZeroShotFigures
{
    /// <summary>The confusion matrix of the unseen classes among themselves (rows: true class).</summary>
    public static void SaveUnseenConfusion(string path, ZeroShotReport report, string method)
    {
        var names = report.Unseen.Select(c => report.ClassNames[c]).ToArray();
        Heatmap.SaveConfusion(path, report.UnseenConfusion, names, names, $"{method} on unseen classes: per-class accuracy {report.UnseenAccuracy:P1}");
    }

    /// <summary>Into <paramref name="folder"/>: the unseen confusion matrix and, generalized, the all-class one (unseen starred) and the seen-unseen curve.</summary>
    public static void SaveFigures(string folder, ZeroShotReport report, string method)
    {
        SaveUnseenConfusion(Path.Combine(folder, "confusion-zero-shot.png"), report, method);
        if (report.Generalized is not { } g) return;
        var all = report.ClassNames.Select((n, c) => report.Unseen.Contains(c) ? $"{n} *" : n).ToArray();
        Heatmap.SaveConfusion(Path.Combine(folder, "confusion-generalized.png"), g.Confusion, all, all,
            $"{method} generalized (* unseen): s {g.SeenAccuracy:P1}, u {g.UnseenAccuracy:P1}, H {g.HarmonicMean:P1}");
        LinePlot.Save(Path.Combine(folder, "seen-unseen-curve.png"),
            [new Series("calibrated stacking, γ swept", g.Curve.Select(p => p.UnseenAccuracy).ToArray(), g.Curve.Select(p => p.SeenAccuracy).ToArray())],
            $"{method}: seen-unseen curve, AUSUC {g.Ausuc:0.000}", "unseen accuracy", "seen accuracy", unitSquare: true);
    }
}
