namespace TransferSharp.Cli.Rendering;

/// <summary>
/// One Spectre.Console progress bar around synchronous work. Reports arrive on the working thread; only a fraction
/// and a text reach Spectre's render thread. The text is refreshed at most every 200 ms (and always when
/// <c>describe</c> says the report is a milestone).
/// </summary>
internal static class ProgressBar
{
    /// <summary>A remaining time as <c>mm:ss</c>, or <c>h:mm:ss</c> from an hour on (a <c>mm\:ss</c> format drops the hours).</summary>
    public static string Eta(TimeSpan remaining)
    {
        if (remaining < TimeSpan.Zero) remaining = TimeSpan.Zero;
        long seconds = (long)Math.Round(remaining.TotalSeconds);
        long hours = seconds / 3600, minutes = seconds / 60 % 60, secs = seconds % 60;
        return hours > 0 ? $"{hours}:{minutes:00}:{secs:00}" : $"{minutes:00}:{secs:00}";
    }

    /// <summary>How a report of type <typeparamref name="TReport"/> shows: fraction done, text, and whether to show it at once.</summary>
    public delegate (double Fraction, string Text, bool Milestone) Describe<in TReport>(TReport report);

    public static T Run<TReport, T>(string title, Describe<TReport> describe, Func<IProgress<TReport>, T> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                var result = work(new Reporter<TReport>(task, describe));
                task.Value = task.MaxValue;
                return result;
            });

    private sealed class Reporter<TReport>(ProgressTask task, Describe<TReport> describe) : IProgress<TReport>
    {
        private DateTime lastDescription;

        public void Report(TReport report)
        {
            var (fraction, text, milestone) = describe(report);
            task.Value = Math.Clamp(fraction, 0, 1);
            if ((DateTime.UtcNow - lastDescription).TotalMilliseconds < 200 && !milestone) return;
            lastDescription = DateTime.UtcNow;
            task.Description = Markup.Escape(text);
        }
    }
}
