using System.Globalization;
using Spectre.Console;
using TransferSharp.FineTuning;
using TransferSharp.Reporting;

namespace TransferSharp.Cli.Rendering;

/// <summary>The table and plots of a transferability result, for the command and the tour alike.</summary>
internal static class TransferabilityReports
{
    /// <summary>Blue for transfer from B, red from A; dashed when the copied stages are fine-tuned.</summary>
    private static (string Color, bool Dashed) Style(TransferCondition c) =>
        (c is TransferCondition.BnB or TransferCondition.BnBPlus ? "#1f77b4" : "#d62728", c is TransferCondition.BnBPlus or TransferCondition.AnBPlus);

    /// <summary>Accuracy on B against the number of stages copied: the four conditions (mean ± std) and the base B line.</summary>
    public static void SavePlot(string path, TransferabilityResult r, string title)
    {
        var xs = Enumerable.Range(1, r.Stages.Count).Select(n => (double)n).ToArray();
        var series = Enum.GetValues<TransferCondition>().Select(c =>
        {
            var s = xs.Select(x => r.Summary(TransferabilityResult.Name(c), (int)x)).ToArray();
            return new CurveSeries(TransferabilityResult.Name(c), xs, s.Select(v => v.Mean).ToArray(), s.Select(v => v.Std).ToArray(), Style(c).Color, Style(c).Dashed);
        }).ToArray();
        CurvePlot.Save(path, title, "stages copied (n)", "test accuracy on B", series, [new ReferenceLine("baseB", r.Summary("baseB", 0).Mean, "#333333")]);
    }

    /// <summary>
    /// AnB and AnB+ of the chosen and the random split, relative to each split's own base B (Yosinski et al.'s figure
    /// 3), since the B halves differ.
    /// </summary>
    public static void SaveComparison(string path, TransferabilityResult chosen, TransferabilityResult random)
    {
        CurveSeries Relative(TransferabilityResult r, TransferCondition c, string split, string color)
        {
            double baseB = r.Summary("baseB", 0).Mean;
            var xs = Enumerable.Range(1, r.Stages.Count).Select(n => (double)n).ToArray();
            return new CurveSeries($"{TransferabilityResult.Name(c)}, {split} split", xs,
                xs.Select(x => r.Summary(TransferabilityResult.Name(c), (int)x).Mean / baseB).ToArray(), null, color, Style(c).Dashed);
        }
        string name = chosen.Split.Description.Split(':')[0];
        CurvePlot.Save(path, "frozen and fine-tuned transfer from A, relative to base B", "stages copied (n)", "accuracy / base B accuracy",
            [Relative(random, TransferCondition.AnB, "random", "#1f77b4"), Relative(random, TransferCondition.AnBPlus, "random", "#1f77b4"),
             Relative(chosen, TransferCondition.AnB, name, "#d62728"), Relative(chosen, TransferCondition.AnBPlus, name, "#d62728")],
            [new ReferenceLine("base B", 1.0, "#333333")]);
    }

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
