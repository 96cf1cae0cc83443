using TransferSharp.Training;

namespace TransferSharp.Cli.Rendering;

/// <summary>Summary tables printed at the end of a command.</summary>
internal static class Tables
{
    public static void History(IReadOnlyList<EpochMetrics> history)
    {
        var t = new Table().Title("training").AddColumns("epoch", "train loss", "train acc", "val loss", "val acc", "lr", "img/s", "s");
        foreach (var h in history)
            t.AddRow($"{h.Epoch}", $"{h.TrainLoss:0.0000}", $"{h.TrainAccuracy:P2}", h.ValidationLoss is { } vl ? $"{vl:0.0000}" : "-",
                h.ValidationAccuracy is { } va ? $"{va:P2}" : "-", $"{h.LearningRate:G3}", $"{h.ExamplesPerSecond:N0}", $"{h.Seconds:0.0}");
        AnsiConsole.Write(t);
    }

    public static void KeyValues(string title, IEnumerable<(string Key, string Value)> rows)
    {
        var t = new Table().Title(title).AddColumns("", "");
        t.HideHeaders();
        foreach (var (k, v) in rows) t.AddRow(Markup.Escape(k), Markup.Escape(v));
        AnsiConsole.Write(t);
    }

    /// <summary>The candidates <c>--conservative auto</c> compared, the chosen one marked.</summary>
    public static void ConservativeScores(TransferSharp.FineTuning.ConservativeChoice choice)
    {
        var t = new Table().Title($"conservative auto: {Markup.Escape(choice.Protocol)}").AddColumns("setting", "held-out acc", "held-out loss", "per fold");
        foreach (var s in choice.Scores)
            t.AddRow((s.Candidate == choice.Chosen ? "* " : "  ") + Markup.Escape(s.Candidate.Name), $"{s.Accuracy:P1}", $"{s.Loss:0.000}",
                string.Join(" ", s.FoldAccuracies.Select(a => $"{a * 100:0}")));
        AnsiConsole.Write(t);
    }
}
