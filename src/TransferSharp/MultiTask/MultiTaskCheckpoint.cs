using System.Text.Json;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>What the sidecar records about one task: its head, classes, input shape and data.</summary>
public sealed record TaskInfo
{
    /// <summary>Task (head) name.</summary>
    public required string Name { get; init; }
    /// <summary>Class names, indexed by the head's outputs.</summary>
    public required string[] ClassNames { get; init; }
    /// <summary><c>[C, H, W]</c> or <c>[D]</c>.</summary>
    public required long[] InputShape { get; init; }
    /// <summary>The training data's name and provenance.</summary>
    public string Data { get; init; } = "";
}

/// <summary>The JSON sidecar of a multitask checkpoint: enough to rebuild the model and know each task's classes.</summary>
public sealed record MultiTaskInfo
{
    /// <summary>Format tag checked on load.</summary>
    public string Format { get; init; } = MultiTaskCheckpoint.FormatTag;
    /// <summary>Architecture name (see <see cref="ModelZoo.Architectures"/>).</summary>
    public required string Architecture { get; init; }
    /// <summary>Number of leading stages in the shared trunk.</summary>
    public required int SharedStages { get; init; }
    /// <summary>Leading stages each task has of its own (0 in checkpoints written before they existed).</summary>
    public int InputStages { get; init; }
    /// <summary>Names of the shared stages (for people reading the file).</summary>
    public IReadOnlyList<string> SharedStageNames { get; init; } = [];
    /// <summary>The tasks, in head order.</summary>
    public required IReadOnlyList<TaskInfo> Tasks { get; init; }
    /// <summary>The options the model was trained with.</summary>
    public MultiTaskOptions? Options { get; init; }
    /// <summary>Epochs completed.</summary>
    public int Epoch { get; init; }
    /// <summary>Per task, per-epoch metrics.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> History { get; init; } = new Dictionary<string, IReadOnlyList<EpochMetrics>>();
    /// <summary>Final metrics by name (e.g. <c>digits/test_accuracy</c>).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The model spec this sidecar describes.</summary>
    public MultiTaskSpec ToSpec() =>
        new(Architecture, Tasks.Count > 0 ? Tasks[0].InputShape : [], SharedStages,
            Tasks.Select(t => new TaskHeadSpec(t.Name, t.ClassNames.Length, InputStages > 0 ? t.InputShape : null)).ToArray()) { InputStages = InputStages };
}

/// <summary>
/// Saves and loads a whole multitask model: weights (TorchSharp format, keys <c>trunk.…</c> and
/// <c>heads.&lt;task&gt;.…</c>) plus a JSON sidecar with every task's classes and input shape. Files:
/// <c>model.pt</c>, <c>model.json</c>, each written to a temporary name and renamed into place.
/// </summary>
public static class MultiTaskCheckpoint
{
    internal const string FormatTag = "transfersharp-multitask/1";

    /// <summary>Writes weights and sidecar. The model must be zoo-built (so that it can be rebuilt on load).</summary>
    /// <exception cref="ArgumentException">A custom trunk, or a sidecar that does not describe the model.</exception>
    public static void Save(string weightsPath, MultiTaskModel model, MultiTaskInfo info)
    {
        if (model.Spec is null)
            throw new ArgumentException("a multitask model around a custom trunk cannot be rebuilt from a sidecar; save its weights with model.save and rebuild it in code");
        if (!info.Tasks.Select(t => t.Name).SequenceEqual(model.TaskNames))
            throw new ArgumentException($"the sidecar lists tasks {string.Join(", ", info.Tasks.Select(t => t.Name))} but the model has {string.Join(", ", model.TaskNames)}");
        var dir = Path.GetDirectoryName(Path.GetFullPath(weightsPath))!;
        Directory.CreateDirectory(dir);
        var sidecar = Checkpoint.SidecarPath(weightsPath);
        string tmpWeights = Path.Combine(dir, $".{Path.GetFileName(weightsPath)}.{Environment.ProcessId}.tmp");
        string tmpSidecar = Path.Combine(dir, $".{Path.GetFileName(sidecar)}.{Environment.ProcessId}.tmp");
        try
        {
            model.save(tmpWeights);
            File.WriteAllText(tmpSidecar, JsonSerializer.Serialize(info, Checkpoint.Json));
            File.Move(tmpWeights, weightsPath, overwrite: true);
            File.Move(tmpSidecar, sidecar, overwrite: true);
        }
        finally
        {
            File.Delete(tmpWeights);
            File.Delete(tmpSidecar);
        }
    }

    /// <summary>Reads only the sidecar, checking that it describes a buildable model.</summary>
    public static MultiTaskInfo ReadInfo(string weightsPath)
    {
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: multitask checkpoint not found", weightsPath);
        var sidecar = Checkpoint.SidecarPath(weightsPath);
        if (!File.Exists(sidecar)) throw new InvalidDataException($"{weightsPath}: its sidecar {Path.GetFileName(sidecar)} is missing, so the tasks are unknown");
        MultiTaskInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<MultiTaskInfo>(File.ReadAllText(sidecar), Checkpoint.Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: not a valid multitask sidecar: {e.Message}");
        }
        if (info is null || info.Format != FormatTag)
            throw new InvalidDataException($"{sidecar}: format '{info?.Format}' is not {FormatTag}");
        var errors = info.ToSpec().Validate().Select(e => e.Message).ToList();
        foreach (var t in info.Tasks.Skip(1))
            if (info.InputStages == 0 && !t.InputShape.SequenceEqual(info.Tasks[0].InputShape)) errors.Add($"task '{t.Name}' has another input shape than '{info.Tasks[0].Name}'");
        if (errors.Count > 0) throw new InvalidDataException($"{sidecar}: {string.Join("; ", errors)}");
        return info;
    }

    /// <summary>Rebuilds the model from the sidecar and loads its weights.</summary>
    public static (MultiTaskModel Model, MultiTaskInfo Info) Load(string weightsPath)
    {
        var info = ReadInfo(weightsPath);
        MultiTaskModel model;
        try
        {
            model = MultiTaskModel.Create(info.ToSpec());
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{Checkpoint.SidecarPath(weightsPath)}: {e.Message}");
        }
        try
        {
            model.load(weightsPath, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{weightsPath}: weights do not load into the multitask {info.Architecture}: {e.Message}");
        }
        return (model, info);
    }
}
