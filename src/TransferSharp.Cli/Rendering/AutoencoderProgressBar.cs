using Spectre.Console;
using TransferSharp.Training;

namespace TransferSharp.Cli.Rendering;

/// <summary>Spectre.Console progress for autoencoder training: reconstruction loss, no accuracy. Plain numbers only.</summary>
internal static class AutoencoderProgressBar
{
    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work) =>
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

    private sealed class Reporter(ProgressTask task, string title) : IProgress<TrainingProgress>
    {
        private DateTime lastDescription;

        public void Report(TrainingProgress p)
        {
            task.Value = p.Fraction;
            if ((DateTime.UtcNow - lastDescription).TotalMilliseconds < 200 && p.Step != p.StepsPerEpoch) return;
            lastDescription = DateTime.UtcNow;
            task.Description = Markup.Escape(
                $"{title} epoch {p.Epoch}/{p.Epochs}  reconstruction {p.Loss:0.000}  {p.ExamplesPerSecond:N0} img/s  ETA {p.Remaining:mm\\:ss}");
        }
    }
}
