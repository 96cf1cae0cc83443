using System.Globalization;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// What <c>transfer train --resume RUN</c> does with the other options on its command line. The run's own settings
/// (run.json) rebuild the same data split, model and optimiser, so an option that would change them is an error unless
/// it repeats the run's value (repeating the original command with <c>--resume</c> added works). Options that only say
/// how long, on how many threads or on which device to go on are honoured: <c>--epochs</c>, <c>--threads</c>,
/// <c>--decode-threads</c>, <c>--device</c>.
/// </summary>
internal static class TrainResume
{
    /// <summary>Options a resumed run takes from the command line.</summary>
    public static readonly string[] Honoured = ["--epochs", "--threads", "--decode-threads", "--device"];

    /// <summary>
    /// The run's settings with the honoured options applied; throws <see cref="ArgumentException"/> naming the first
    /// given option whose value differs from the run's.
    /// </summary>
    public static TrainCommand.RunSettings Apply(TrainCommand.RunSettings run, TrainCommand.Settings given, string folder)
    {
        // An edited run.json may hold nulls where the record has none.
        var nulls = new List<string>();
        if (run.Data is null) nulls.Add("data");
        if (run.Model is null) nulls.Add("model");
        if (run.Options is null) nulls.Add("options");
        if (nulls.Count > 0) throw new InvalidDataException($"{Path.Combine(folder, "run.json")}: {string.Join(", ", nulls)} missing or null; this run cannot be resumed");
        if (given.WasGiven(nameof(given.Runs)))
            throw Conflict(folder, "--runs does not apply: a resumed run continues in its own folder");
        var defaults = new TrainCommand.Settings();
        foreach (var property in typeof(TrainCommand.Settings).GetProperties())
        {
            // Every other option is a field of run.json or of its training options, under the same name.
            if (Option(property.Name) is not { } option || Honoured.Contains(option) || option is "--resume" or "--verbose" or "--runs") continue;
            var value = property.GetValue(given);
            if (!given.WasGiven(property.Name) && Equals(value, property.GetValue(defaults))) continue;   // not on the command line
            var original = typeof(TrainCommand.RunSettings).GetProperty(property.Name) is { } field
                ? field.GetValue(run) : typeof(TrainingOptions).GetProperty(property.Name)!.GetValue(run.Options);
            // --optimizer and --schedule are names (validated already): compare the values they stand for.
            if (original is Enum && value is string name && Enum.TryParse(original.GetType(), name.Replace("-", ""), true, out var parsed)) value = parsed;
            if (Show(value) != Show(original))
                throw Conflict(folder, $"{option} {Show(value)} differs from the run's {(Show(original) is { Length: > 0 } o ? o : "(none)")}");
        }

        var options = run.Options! with
        {
            Epochs = given.Epochs ?? run.Options.Epochs,
            Threads = given.WasGiven(nameof(given.Threads)) ? given.Threads : run.Options.Threads,
            Device = given.Device ?? run.Options.Device ?? "auto",
        };
        return run with { Options = options, DecodeThreads = given.DecodeThreads ?? run.DecodeThreads };
    }

    /// <summary>
    /// Refuses to resume a run whose run.json does not describe its checkpoint (an edited run.json would train the
    /// checkpoint on other data), and a run that is finished. A run whose epochs are all done but whose metrics.json
    /// is missing (killed in its final save) passes: resuming it runs no epoch and writes the final evaluation,
    /// metrics and plot.
    /// </summary>
    /// <exception cref="ArgumentException">run.json and the sidecar disagree, or the run is finished.</exception>
    public static void Check(RunFolder run, TrainCommand.RunSettings rs, CheckpointInfo checkpoint, string folder)
    {
        string sidecar = Path.GetFileName(Checkpoint.SidecarPath(run.Checkpoint));
        // The sidecar's data is "<run.json's data> (<provenance>)".
        if (checkpoint.Data != rs.Data && !checkpoint.Data.StartsWith(rs.Data + " (", StringComparison.Ordinal))
            throw Mismatch(folder, sidecar, $"data '{rs.Data}'", $"'{checkpoint.Data}'");
        if (!string.Equals(checkpoint.Architecture, rs.Model, StringComparison.OrdinalIgnoreCase))
            throw Mismatch(folder, sidecar, $"model '{rs.Model}'", $"'{checkpoint.Architecture}'");
        // Epochs, threads and the device may change on resume; every other training option must be the checkpoint's.
        if (checkpoint.Options is { } trained && trained with { Epochs = rs.Options.Epochs, Threads = rs.Options.Threads, Device = rs.Options.Device } != rs.Options)
            throw Mismatch(folder, sidecar, "training options", "other options (seed, rates, batch size or optimiser differ)");
        if (checkpoint.Epoch >= rs.Options.Epochs && File.Exists(run.Metrics))
            throw new ArgumentException($"--resume {folder}: the run already finished {checkpoint.Epoch} epochs; pass --epochs above {checkpoint.Epoch} to extend it");
    }

    private static ArgumentException Mismatch(string folder, string sidecar, string runSays, string checkpointSays) =>
        new($"--resume {folder}: run.json says {runSays} but the checkpoint ({sidecar}) was trained with {checkpointSays}; run.json was edited or belongs to another run");

    private static string? Option(string property) => OptionNames.OfProperty(typeof(TrainCommand.Settings), property);

    private static ArgumentException Conflict(string folder, string what) =>
        new($"--resume {folder}: {what}; a resumed run keeps its settings (only {string.Join(", ", Honoured)} may change)");

    private static string Show(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "on" : "off",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
