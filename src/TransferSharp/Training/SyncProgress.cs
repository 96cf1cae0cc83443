namespace TransferSharp.Training;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its action at once on the reporting thread (unlike
/// <see cref="Progress{T}"/>, which posts to a synchronisation context): for forwarding an experiment's progress to a bar.
/// </summary>
/// <typeparam name="T">What is reported.</typeparam>
/// <param name="report">Called with every report.</param>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}

/// <summary>Where an experiment of several trainings is: run <paramref name="Run"/> of <paramref name="Runs"/> (named <paramref name="Name"/>) and its step.</summary>
/// <param name="Run">Index of the network being trained (0-based).</param>
/// <param name="Runs">Networks in all.</param>
/// <param name="Name">Its name.</param>
/// <param name="Step">Its training progress.</param>
public sealed record ExperimentProgress(int Run, int Runs, string Name, TrainingProgress Step)
{
    /// <summary>Fraction of the whole experiment done, in [0, 1].</summary>
    public double Fraction => (Run + Step.Fraction) / Runs;
}
