using TransferSharp.FineTuning;
using TransferSharp.Training;

namespace TransferSharp.Cli.Rendering;

/// <summary>
/// One Spectre.Console progress bar around synchronous work, fed by the library's progress records. Reports arrive on
/// the working thread; only a fraction and a text reach Spectre's render thread. The text is refreshed at most every
/// 200 ms, and always at the end of an epoch or run.
/// </summary>
internal static class ProgressBar
{
    /// <summary>A training run: epoch, loss (<paramref name="loss"/> names it), accuracy unless <paramref name="accuracy"/> is off, images/s, ETA.</summary>
    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work, string loss = "loss", bool accuracy = true) =>
        Run<TrainingProgress, T>(title, p => (p.Fraction, $"{title} {Text(p, loss, accuracy)}", p.Step == p.StepsPerEpoch), work);

    /// <summary>A library experiment of a few training runs: one bar over all runs.</summary>
    public static T Run<T>(string title, Func<IProgress<ExperimentProgress>, T> work) =>
        Run<ExperimentProgress, T>(title, p => (p.Fraction,
            $"{(p.Runs > 1 ? $"{title}: {p.Name} ({p.Run + 1}/{p.Runs})" : title)} {Text(p.Step, "loss", true)}", p.Step.Step == p.Step.StepsPerEpoch), work);

    /// <summary>The transferability experiment's many runs: one bar over all of them.</summary>
    public static T Run<T>(string title, Func<IProgress<TransferabilityProgress>, T> work) =>
        Run<TransferabilityProgress, T>(title, p => ((p.Done + (p.Step?.Fraction ?? 0)) / Math.Max(1, p.Total),
            $"{title}: run {Math.Min(p.Done + 1, p.Total)}/{p.Total} {p.Network}" + (p.Step is { } s ? $" epoch {s.Epoch}/{s.Epochs} acc {s.Accuracy:P1}" : ""),
            p.Step is null), work);

    private static string Text(TrainingProgress p, string loss, bool accuracy) =>
        $"epoch {p.Epoch}/{p.Epochs}  {loss} {p.Loss:0.000}  {(accuracy ? $"acc {p.Accuracy:P1}  " : "")}{p.ExamplesPerSecond:N0} img/s  ETA {Eta(p.Remaining)}";

    /// <summary>A remaining time as <c>mm:ss</c>, or <c>h:mm:ss</c> from an hour on (a <c>mm\:ss</c> format drops the hours).</summary>
    public static string Eta(TimeSpan remaining)
    {
        long seconds = (long)Math.Round(Math.Max(0, remaining.TotalSeconds));
        long hours = seconds / 3600, minutes = seconds / 60 % 60, secs = seconds % 60;
        return hours > 0 ? $"{hours}:{minutes:00}:{secs:00}" : $"{minutes:00}:{secs:00}";
    }

    private static T Run<TReport, T>(string title, Func<TReport, (double Fraction, string Text, bool Milestone)> describe, Func<IProgress<TReport>, T> work) =>
        AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                DateTime last = default;
                var result = work(new SyncProgress<TReport>(report =>
                {
                    var (fraction, text, milestone) = describe(report);
                    task.Value = Math.Clamp(fraction, 0, 1);
                    if ((DateTime.UtcNow - last).TotalMilliseconds < 200 && !milestone) return;
                    last = DateTime.UtcNow;
                    task.Description = Markup.Escape(text);
                }));
                task.Value = task.MaxValue;
                return result;
            });
}
