using System.Globalization;
using TransferSharp.FineTuning;

namespace TransferSharp.Cli.Rendering;

/// <summary>The console table of a transferability result.</summary>
internal static class TransferabilityReports
{
    /// <summary>Accuracy on B's test set by n and condition, mean ± std over seeds, and base A's line.</summary>
    public static void Print(TransferabilityResult r)
    {
        static string Cell((double Mean, double Std, int Count) s) =>
            s.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{s.Mean * 100:0.0} ± {s.Std * 100:0.0}");
        var t = new Table().Title($"accuracy on B's test set, % (mean ± std over {r.Summary("baseB", 0).Count} seeds; {Markup.Escape(r.Split.Description)})")
            .AddColumns("n", "copied stages", "BnB", "BnB+", "AnB", "AnB+");
        t.AddRow("0", "baseB (no copy)", Cell(r.Summary("baseB", 0)), "", "", "");
        for (int n = 1; n <= r.Stages.Count; n++)
            t.AddRow([$"{n}", Markup.Escape(string.Join(", ", r.Stages.Take(n))),
                .. Enum.GetValues<TransferCondition>().Select(c => Cell(r.Summary(TransferabilityResult.Name(c), n)))]);
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"baseA on A's test set: {Cell(r.Summary("baseA", 0))}; B: {r.TrainCountB} training, {r.TestCountB} test examples");
    }
}
