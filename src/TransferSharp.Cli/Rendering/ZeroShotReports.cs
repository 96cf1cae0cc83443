using System.Globalization;
using TransferSharp.ZeroShot;

namespace TransferSharp.Cli.Rendering;

/// <summary>The console tables of a zero-shot report.</summary>
internal static class ZeroShotReports
{
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
                ("generalized: harmonic mean H", $"{g.HarmonicMean:P2}" + Gamma(outcome.Calibration)),
                ("generalized: area under seen-unseen curve", $"{g.Ausuc:0.000}"), ("best H over γ (γ picked on test labels: an upper bound)",
                    $"{g.BestOnCurve.HarmonicMean:P2} at γ = {g.BestOnCurve.Gamma.ToString("0.###", CultureInfo.InvariantCulture)} (s {g.BestOnCurve.SeenAccuracy:P1}, u {g.BestOnCurve.UnseenAccuracy:P1})")]);
        if (ignoredAttributes.Count > 0) rows.Add(("attributes constant on seen classes (ignored)", string.Join(", ", ignoredAttributes)));
        rows.Add(("trained on", $"{outcome.TrainCount} seen-class images, {history.Count} epochs"));
        rows.Add(("run folder", runPath));
        Tables.KeyValues("result", rows);
    }

    private static string Gamma(CalibrationChoice? c) => c switch
    {
        { ChosenOn: "seen-validation" } => $" (γ = {c.Gamma.ToString("0.###", CultureInfo.InvariantCulture)} chosen on seen classes; {string.Join(", ", c.ValidationUnseen)} played unseen)",
        { Gamma: not 0 } => $" (calibration γ = {c.Gamma.ToString(CultureInfo.InvariantCulture)})",
        _ => "",
    };
}
