using TransferSharp.MultiTask;

namespace TransferSharp.Cli.Rendering;

/// <summary>The tables of <c>transfer multitask</c>: validation accuracy per epoch and task, then each task's result.</summary>
internal static class MultiTaskTables
{
    /// <param name="report">The experiment's report.</param>
    /// <param name="learnt">Whether the loss weights are learnt (shown beside each epoch's accuracy).</param>
    public static void Write(MultiTaskReport report, bool learnt)
    {
        var epochs = new Table().Title("validation accuracy per epoch").AddColumns(
            ["epoch", .. report.Tasks.Select(t => Markup.Escape(learnt ? $"{t.Name} (weight)" : t.Name)), "s"]);
        foreach (var e in report.Epochs)
            epochs.AddRow([$"{e.Epoch}", .. report.Tasks.Select(t => t.History[e.Epoch - 1] is var h && h.ValidationAccuracy is { } a ? $"{a:P2}" : $"train {h.TrainAccuracy:P1}")
                .Zip(report.Tasks, (acc, t) => learnt ? $"{acc} ({e.LossWeights[t.Name]:0.###})" : acc), $"{e.Seconds:0.0}"]);
        AnsiConsole.Write(epochs);
        bool alone = report.Tasks.Any(t => t.AloneTestAccuracy is not null);
        var tasks = new Table().Title("tasks").AddColumns(["task", "classes", "train", "test", "test accuracy", .. alone ? new[] { "alone", "gain" } : [],
            "test loss", "loss weight", "steps"]);
        foreach (var t in report.Tasks)
            tasks.AddRow([Markup.Escape(t.Name), $"{t.ClassNames.Count}", $"{t.TrainCount:N0}", $"{t.TestCount:N0}", $"{t.TestAccuracy:P2}",
                .. alone ? new[] { $"{t.AloneTestAccuracy:P2}", $"{t.GainOverAlone * 100:+0.00;-0.00}" } : [],
                $"{t.TestLoss:0.0000}", $"{t.FinalLossWeight:0.###}", $"{t.Steps:N0}"]);
        AnsiConsole.Write(tasks);
    }
}
