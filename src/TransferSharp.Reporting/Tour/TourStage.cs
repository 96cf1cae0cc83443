using System.Globalization;
using TransferSharp.Data;

namespace TransferSharp.Reporting.Tour;

/// <summary>How big the tour's experiments are.</summary>
public enum TourScale
{
    /// <summary>The default: under 10 minutes on 2 cores.</summary>
    Full,
    /// <summary><c>--quick</c>: under 3 minutes on 2 cores.</summary>
    Quick,
    /// <summary>A hidden test setting: subsets of the data and a few epochs, seconds per stage, still well above chance.</summary>
    Tiny,
}

/// <summary>What every stage needs to know: the scale, the seed, the thread count and where pictures go.</summary>
/// <param name="Scale">Full, quick (<c>--quick</c>) or tiny (tests).</param>
/// <param name="Seed">Seeds every stage (each trainer's options get it).</param>
/// <param name="Threads">CPU threads for every trainer's options; 0 = all cores (each trainer sets the count it is given).</param>
/// <param name="Folder">The tour's run folder; a stage writes its pictures under it.</param>
/// <param name="Device">The device every trainer's options get (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>).</param>
public sealed record TourContext(TourScale Scale, int Seed, int Threads, string Folder, string Device = "auto")
{
    /// <summary>A setting for the scale: <paramref name="full"/>, <paramref name="quick"/> or <paramref name="tiny"/>.</summary>
    public T Pick<T>(T full, T quick, T tiny) => Scale switch { TourScale.Full => full, TourScale.Quick => quick, _ => tiny };

    /// <summary>Epochs for the scale.</summary>
    public int Epochs(int full, int quick, int tiny) => Pick(full, quick, tiny);

    /// <summary>
    /// In the tiny setting, <paramref name="perClass"/> examples per class of <paramref name="data"/> (which is disposed);
    /// otherwise <paramref name="data"/> itself.
    /// </summary>
    public Dataset Shrink(Dataset data, int perClass)
    {
        if (Scale != TourScale.Tiny) return data;
        using (data) return data.TakePerClass(perClass, Seed);
    }

    /// <summary>A file path inside the stage's own folder.</summary>
    public string File(string stage, string name)
    {
        var dir = Path.Combine(Folder, stage);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}

/// <summary>One extra number of a stage: shown <paramref name="Formatted"/> in its table in the report, kept raw in metrics.json.</summary>
public sealed record StageDetail(string Name, double Value, string Formatted)
{
    public static StageDetail Percent(string name, double fraction) => new(name, fraction, FormattableString.Invariant($"{fraction * 100:0.0} %"));
    public static StageDetail Count(string name, long n) => new(name, n, n.ToString(CultureInfo.InvariantCulture));
    public static StageDetail Number(string name, double value) => new(name, value, value.ToString("0.000", CultureInfo.InvariantCulture));
}

/// <summary>A transfer method's score on the stage's metric.</summary>
public sealed record MethodScore(string Name, double Value);

/// <summary>
/// What one stage measured: a transfer method against its baseline, on one metric (higher is better), and optionally
/// further methods against the same baseline (each a row of the summary).
/// </summary>
public sealed record StageOutcome(
    string Experiment,
    string Metric,
    string BaselineName,
    double Baseline,
    string MethodName,
    double Method,
    IReadOnlyList<(string Png, string Caption)> Pictures,
    IReadOnlyList<StageDetail> Details)
{
    public double Gain => Method - Baseline;

    /// <summary>More methods compared with the same baseline (e.g. conservative training beside layer transfer).</summary>
    public IReadOnlyList<MethodScore> OtherMethods { get; init; } = [];

    /// <summary>The main method first, then the others.</summary>
    public IEnumerable<MethodScore> Methods => OtherMethods.Prepend(new MethodScore(MethodName, Method));
}

/// <summary>One stage of the tour: a family, two sentences on what its method does, and the experiment.</summary>
public sealed record TourStage(string Id, string Family, string Explanation, Func<TourContext, IProgress<double>, CancellationToken, StageOutcome> Run);
