using System.Globalization;
using Spectre.Console;
using TransferSharp.Reporting;
using TransferSharp.ZeroShot;

namespace TransferSharp.Cli.Rendering;

/// <summary>The pictures and tables of a zero-shot report, for the command and the tour alike.</summary>
internal static class ZeroShotReports
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

    /// <summary>The per-class table, then the result rows.</summary>
    public static void Print(ZeroShotOutcome outcome, IReadOnlyList<string> ignoredAttributes, string runPath)
    {
        var (report, history) = (outcome.Report, outcome.Model.History);
        var t = new Table().Title("per class").AddColumns("class", "split", "test images", "zero-shot acc", "generalized acc");
        foreach (var c in report.PerClass)
            t.AddRow(Markup.Escape(c.Name), c.Seen ? "seen" : "[bold]unseen[/]", $"{c.Count:N0}", c.ZeroShotAccuracy is { } z ? $"{z:P1}" : "-",
                c.GeneralizedAccuracy is { } ga ? $"{ga:P1}" : "-");
        AnsiConsole.Write(t);
        var rows = new List<(string, string)> { ("zero-shot accuracy (unseen, per-class mean)", $"{report.UnseenAccuracy:P2} (chance {report.Chance:P1}, {outcome.UnseenTestCount} images)") };
        if (report.Generalized is { } g)
            rows.AddRange([("generalized: seen accuracy", $"{g.SeenAccuracy:P2} ({outcome.SeenTestCount} held-out images)"), ("generalized: unseen accuracy", $"{g.UnseenAccuracy:P2}"),
                ("generalized: harmonic mean H", $"{g.HarmonicMean:P2}" + (g.Calibration != 0 ? $" (calibration γ = {g.Calibration.ToString(CultureInfo.InvariantCulture)})" : "")),
                ("generalized: area under seen-unseen curve", $"{g.Ausuc:0.000}"), ("best H over γ (γ picked on test labels: an upper bound)",
                    $"{g.BestOnCurve.HarmonicMean:P2} at γ = {g.BestOnCurve.Gamma.ToString("0.###", CultureInfo.InvariantCulture)} (s {g.BestOnCurve.SeenAccuracy:P1}, u {g.BestOnCurve.UnseenAccuracy:P1})")]);
        if (ignoredAttributes.Count > 0) rows.Add(("attributes constant on seen classes (ignored)", string.Join(", ", ignoredAttributes)));
        rows.Add(("trained on", $"{outcome.TrainCount} seen-class images, {history.Count} epochs"));
        rows.Add(("run folder", runPath));
        Tables.KeyValues("result", rows);
    }
}
