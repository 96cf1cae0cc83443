using System.Globalization;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// What <c>transfer train --resume RUN</c> does with the other options on its command line. The run's own settings
/// (run.json) rebuild the same data split, model and optimiser, so an option that would change them is an error unless
/// it repeats the run's value (repeating the original command with <c>--resume</c> added works). Options that only say
/// how long or on how many threads to go on are honoured: <c>--epochs</c>, <c>--threads</c>, <c>--decode-threads</c>.
/// </summary>
internal static class TrainResume
{
    /// <summary>Options a resumed run takes from the command line.</summary>
    public static readonly string[] Honoured = ["--epochs", "--threads", "--decode-threads"];

    /// <summary>
    /// The run's settings with the honoured options applied; throws <see cref="ArgumentException"/> naming the first
    /// given option whose value differs from the run's.
    /// </summary>
    public static TrainCommand.RunSettings Apply(TrainCommand.RunSettings run, TrainCommand.Settings given, string folder)
    {
        var o = run.Options;
        // (settings property, given on the command line, its value there, the run's value).
        (string Property, bool Given, string Value, string Run)[] fixedOptions =
        [
            (nameof(given.Data), given.Data is not null, given.Data ?? "", run.Data),
            (nameof(given.Model), given.WasGiven(nameof(given.Model)), given.Model, run.Model),
            (nameof(given.Size), given.WasGiven(nameof(given.Size)), Show(given.Size), Show(run.Size)),
            (nameof(given.Resize), given.Resize is not null, Show(given.Resize), Show(run.Resize)),
            (nameof(given.Channels), given.Channels is not null, Show(given.Channels), Show(run.Channels)),
            (nameof(given.TestFraction), given.WasGiven(nameof(given.TestFraction)), Show(given.TestFraction), Show(run.TestFraction)),
            (nameof(given.ValidationFraction), given.WasGiven(nameof(given.ValidationFraction)), Show(given.ValidationFraction), Show(run.ValidationFraction)),
            (nameof(given.Stream), given.Stream, Show(given.Stream), Show(run.Stream)),
            (nameof(given.BatchSize), given.BatchSize is not null, Show(given.BatchSize), Show(o.BatchSize)),
            (nameof(given.Optimizer), given.Optimizer is not null, given.GivenOptimizer?.ToString() ?? given.Optimizer ?? "", o.Optimizer.ToString()),
            (nameof(given.LearningRate), given.LearningRate is not null, Show(given.LearningRate), Show(o.LearningRate)),
            (nameof(given.Momentum), given.Momentum is not null, Show(given.Momentum), Show(o.Momentum)),
            (nameof(given.Schedule), given.Schedule is not null, given.GivenSchedule?.ToString() ?? given.Schedule ?? "", o.Schedule.ToString()),
            (nameof(given.WeightDecay), given.WeightDecay is not null, Show(given.WeightDecay), Show(o.WeightDecay)),
            (nameof(given.Patience), given.Patience is not null, Show(given.Patience), Show(o.Patience)),
            (nameof(given.Seed), given.WasGiven(nameof(given.Seed)), Show(given.Seed), Show(o.Seed)),
        ];
        foreach (var (property, isGiven, value, original) in fixedOptions)
            if (isGiven && value != original)
                throw Conflict(folder, $"{Option(property)} {value} differs from the run's {(original.Length == 0 ? "(none)" : original)}");
        if (given.WasGiven(nameof(given.Runs)))
            throw Conflict(folder, "--runs does not apply: a resumed run continues in its own folder");

        if (given.Epochs is { } epochs) o = o with { Epochs = epochs };
        if (given.WasGiven(nameof(given.Threads))) o = o with { Threads = given.Threads };
        var resumed = run with { Options = o };
        if (given.DecodeThreads is not null) resumed = resumed with { DecodeThreads = given.DecodeThreads };
        return resumed;
    }

    private static string Option(string property) => OptionNames.OfProperty(typeof(TrainCommand.Settings), property) ?? property;

    private static ArgumentException Conflict(string folder, string what) =>
        new($"--resume {folder}: {what}; a resumed run keeps its settings (only {string.Join(", ", Honoured)} may change)");

    private static string Show<T>(T value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "on" : "off",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
