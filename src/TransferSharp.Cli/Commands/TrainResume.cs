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
    public static readonly string[] Honoured = ["--epochs", "--threads", "--decode-threads", "--verbose", "--resume"];

    /// <summary>Short aliases of train's options.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["-d"] = "--data", ["-m"] = "--model", ["-e"] = "--epochs", ["-b"] = "--batch-size",
    };

    /// <summary>The long names of the options present in <paramref name="arguments"/> (<c>--x v</c>, <c>--x=v</c>, aliases).</summary>
    public static HashSet<string> GivenOptions(IEnumerable<string> arguments)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in arguments)
        {
            if (!token.StartsWith('-') || double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;
            var name = token.Split('=', 2)[0];
            given.Add(Aliases.GetValueOrDefault(name, name));
        }
        return given;
    }

    /// <summary>
    /// The run's settings with the honoured options applied; throws <see cref="ArgumentException"/> naming the first
    /// given option whose value differs from the run's.
    /// </summary>
    public static TrainCommand.RunSettings Apply(TrainCommand.RunSettings run, TrainCommand.Settings given, IReadOnlySet<string> options, string folder)
    {
        var o = run.Options;
        var optimizer = OptionValues.ParseEnum<OptimizerKind>(given.Optimizer);
        // (option, value on the command line, value the run was started with); compared only when the option was given.
        (string Option, string Given, string Run)[] fixedOptions =
        [
            ("--data", given.Data ?? "", run.Data),
            ("--model", given.Model, run.Model),
            ("--size", Show(given.Size), Show(run.Size)),
            ("--resize", Show(given.Resize), Show(run.Resize)),
            ("--channels", Show(given.Channels), Show(run.Channels)),
            ("--test-fraction", Show(given.TestFraction), Show(run.TestFraction)),
            ("--validation-fraction", Show(given.ValidationFraction), Show(run.ValidationFraction)),
            ("--stream", Show(given.Stream), Show(run.Stream)),
            ("--batch-size", Show(given.BatchSize), Show(o.BatchSize)),
            ("--optimizer", optimizer?.ToString() ?? given.Optimizer, o.Optimizer.ToString()),
            ("--lr", Show(given.LearningRate), Show(o.LearningRate)),
            ("--schedule", OptionValues.ParseEnum<ScheduleKind>(given.Schedule)?.ToString() ?? given.Schedule, o.Schedule.ToString()),
            ("--weight-decay", Show(given.WeightDecay), Show(o.WeightDecay)),
            ("--patience", Show(given.Patience), Show(o.Patience)),
            ("--seed", Show(given.Seed), Show(o.Seed)),
        ];
        foreach (var (option, value, original) in fixedOptions)
            if (options.Contains(option) && value != original)
                throw Conflict(folder, $"{option} {value} differs from the run's {(original.Length == 0 ? "(none)" : original)}");
        if (options.Contains("--runs"))
            throw Conflict(folder, "--runs does not apply: a resumed run continues in its own folder");

        if (options.Contains("--epochs") && given.Epochs is { } epochs) o = o with { Epochs = epochs };
        if (options.Contains("--threads")) o = o with { Threads = given.Threads };
        var resumed = run with { Options = o };
        if (options.Contains("--decode-threads")) resumed = resumed with { DecodeThreads = given.DecodeThreads };
        return resumed;
    }

    private static ArgumentException Conflict(string folder, string what) =>
        new($"--resume {folder}: {what}; a resumed run keeps its settings (only {string.Join(", ", Honoured[..3])} may change)");

    private static string Show<T>(T value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "on" : "off",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
