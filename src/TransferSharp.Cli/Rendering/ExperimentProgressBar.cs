using Spectre.Console;
using TransferSharp.FineTuning;

namespace TransferSharp.Cli.Rendering;

/// <summary>Spectre.Console progress for an experiment of many training runs: one bar over all runs.</summary>
internal static class ExperimentProgressBar
{
    public static T Run<T>(string title, Func<IProgress<TransferabilityProgress>, T> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                var result = work(new Reporter(task, title));
                task.Value = task.MaxValue;
                return result;
            });

    private sealed class Reporter(ProgressTask task, string title) : IProgress<TransferabilityProgress>
    {
        private DateTime lastDescription;

        public void Report(TransferabilityProgress p)
        {
            task.Value = (p.Done + (p.Step?.Fraction ?? 0)) / Math.Max(1, p.Total);
            if ((DateTime.UtcNow - lastDescription).TotalMilliseconds < 250 && p.Step is not null) return;
            lastDescription = DateTime.UtcNow;
            var step = p.Step is { } s ? $" epoch {s.Epoch}/{s.Epochs} acc {s.Accuracy:P1}" : "";
            task.Description = Markup.Escape($"{title}: run {Math.Min(p.Done + 1, p.Total)}/{p.Total} {p.Network}{step}");
        }
    }
}
