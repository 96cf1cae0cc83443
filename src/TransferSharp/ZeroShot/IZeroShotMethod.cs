using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>
/// What a zero-shot method is to the rest of the library: its name on the command line, what descriptions it needs,
/// and how it trains on the seen classes. Each method's file (<c>Dap.cs</c>, <c>EmbeddingZeroShot.cs</c>,
/// <c>ConSE.cs</c>) holds its trainer, its model and its <c>Method</c>; <see cref="ZeroShotMethods.All"/> lists them.
/// </summary>
public interface IZeroShotMethod
{
    /// <summary>The name users type (<c>--method dap</c>), lower case.</summary>
    string Name { get; }
    /// <summary>Other accepted names (e.g. <c>sje</c> for the embedding method).</summary>
    IReadOnlyList<string> Aliases { get; }
    /// <summary>The name in tables and plots (e.g. "DAP").</summary>
    string DisplayName { get; }
    /// <summary>One line for help texts: the paper and the idea.</summary>
    string Description { get; }
    /// <summary>The identifier models and metrics carry.</summary>
    ZeroShotMethod Kind { get; }
    /// <summary>Throws when <paramref name="aligned"/> (one description per class) cannot serve this method.</summary>
    void Check(ClassDescriptions aligned);
    /// <summary>Trains on the seen classes' images <paramref name="seenTrain"/>, described by <paramref name="seen"/>.</summary>
    ZeroShotModel Train(ZeroShotOptions options, Dataset seenTrain, ClassDescriptions seen, IProgress<TrainingProgress>? progress,
        CancellationToken cancellation);
}

/// <summary>Every zero-shot method, once: the CLI's <c>--method</c> choices, the experiment and the tests read it.</summary>
public static class ZeroShotMethods
{
    /// <summary>The methods.</summary>
    public static IReadOnlyList<IZeroShotMethod> All { get; } = [DapTrainer.Method, EmbeddingZeroShotTrainer.Method, ConSETrainer.Method, EszslTrainer.Method];

    /// <summary>The method called <paramref name="name"/> or one of its aliases (case-insensitive); null when none.</summary>
    public static IZeroShotMethod? Find(string? name) => All.FirstOrDefault(m =>
        string.Equals(m.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase) ||
        m.Aliases.Any(a => string.Equals(a, name?.Trim(), StringComparison.OrdinalIgnoreCase)));

    /// <summary>The method of <paramref name="kind"/>.</summary>
    public static IZeroShotMethod Of(ZeroShotMethod kind) =>
        All.FirstOrDefault(m => m.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown zero-shot method");

    /// <summary>The names, comma-separated, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(m => m.Name));
}

/// <summary>A method from its parts; each method file declares one.</summary>
internal sealed record ZeroShotMethodInfo(string Name, IReadOnlyList<string> Aliases, string DisplayName, string Description, ZeroShotMethod Kind,
    Action<ClassDescriptions> CheckDescriptions,
    Func<ZeroShotOptions, Dataset, ClassDescriptions, IProgress<TrainingProgress>?, CancellationToken, ZeroShotModel> TrainModel) : IZeroShotMethod
{
    public void Check(ClassDescriptions aligned) => CheckDescriptions(aligned);

    public ZeroShotModel Train(ZeroShotOptions options, Dataset seenTrain, ClassDescriptions seen, IProgress<TrainingProgress>? progress,
        CancellationToken cancellation) => TrainModel(options, seenTrain, seen, progress, cancellation);
}
