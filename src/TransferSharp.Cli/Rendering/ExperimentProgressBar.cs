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

/// <summary>Progress of a library experiment of a few training runs: one bar over all runs.</summary>
internal static class RunsProgressBar
{
    public static T Run<T>(string title, Func<IProgress<TransferSharp.Training.ExperimentProgress>, T> work) =>
        ProgressBar.Run<TransferSharp.Training.ExperimentProgress, T>(title, p => (p.Fraction,
            (p.Runs > 1 ? $"{title}: {p.Name} ({p.Run + 1}/{p.Runs})" : title) +
            $" epoch {p.Step.Epoch}/{p.Step.Epochs}  loss {p.Step.Loss:0.000}  acc {p.Step.Accuracy:P1}  {p.Step.ExamplesPerSecond:N0} img/s  ETA {ProgressBar.Eta(p.Step.Remaining)}",
            p.Step.Step == p.Step.StepsPerEpoch), work);
}
