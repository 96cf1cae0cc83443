using TransferSharp.FineTuning;

namespace TransferSharp.Reporting;

/// <summary>The plots of a transferability result (Yosinski et al.'s figures), for the command and the tour alike.</summary>
public static class TransferabilityFigures
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
}
