namespace TransferSharp.Cli.Tour;

/// <summary>How big the tour's experiments are.</summary>
/// <param name="Quick">Smaller data and fewer epochs (the <c>--quick</c> mode).</param>
/// <param name="Seed">Seeds every stage.</param>
/// <param name="Folder">The tour's run folder; a stage writes its pictures under it.</param>
internal sealed record TourContext(bool Quick, int Seed, string Folder)
{
    /// <summary>Epochs scaled for the mode: <paramref name="full"/> normally, <paramref name="quick"/> with --quick.</summary>
    public int Epochs(int full, int quick) => Quick ? quick : full;

    /// <summary>A file path inside the stage's own folder.</summary>
    public string File(string stage, string name)
    {
        var dir = Path.Combine(Folder, stage);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}

/// <summary>What one stage measured: a transfer method against its baseline, on one metric (higher is better).</summary>
internal sealed record StageOutcome(
    string Experiment,
    string Metric,
    string BaselineName,
    double Baseline,
    string MethodName,
    double Method,
    IReadOnlyList<(string Png, string Caption)> Pictures,
    IReadOnlyList<(string Name, double Value)> Details)
{
    public double Gain => Method - Baseline;
}

/// <summary>One stage of the tour: a family, two sentences on what its method does, and the experiment.</summary>
internal sealed record TourStage(string Id, string Family, string Explanation, Func<TourContext, IProgress<double>, CancellationToken, StageOutcome> Run);
