using TransferSharp.FineTuning;

namespace TransferSharp.Cli.Rendering;

/// <summary>Progress of an experiment of many training runs: one bar over all runs.</summary>
internal static class ExperimentProgressBar
{
    public static T Run<T>(string title, Func<IProgress<TransferabilityProgress>, T> work) =>
        ProgressBar.Run<TransferabilityProgress, T>(title, p => (
            (p.Done + (p.Step?.Fraction ?? 0)) / Math.Max(1, p.Total),
            $"{title}: run {Math.Min(p.Done + 1, p.Total)}/{p.Total} {p.Network}" +
                (p.Step is { } s ? $" epoch {s.Epoch}/{s.Epochs} acc {s.Accuracy:P1}" : ""),
            p.Step is null), work);
}
