using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp.Modules;
using TransferSharp.Models;

namespace TransferSharp.Training;

/// <summary>The JSON sidecar of a checkpoint: enough to rebuild the model and to know what it was trained on.</summary>
public sealed record CheckpointInfo
{
    /// <summary>Format tag checked on load.</summary>
    public string Format { get; init; } = Checkpoint.FormatTag;
    /// <summary>Architecture name (see <see cref="ModelZoo.Architectures"/>).</summary>
    public required string Architecture { get; init; }
    /// <summary><c>[C, H, W]</c> or <c>[D]</c>.</summary>
    public required long[] InputShape { get; init; }
    /// <summary>Class names, indexed by the model's outputs.</summary>
    public required string[] ClassNames { get; init; }
    /// <summary>The training data's name and provenance.</summary>
    public string Data { get; init; } = "";
    /// <summary>The options the model was trained with.</summary>
    public TrainingOptions? Options { get; init; }
    /// <summary>Epochs completed.</summary>
    public int Epoch { get; init; }
    /// <summary>Per-epoch metrics so far.</summary>
    public IReadOnlyList<EpochMetrics> History { get; init; } = [];
    /// <summary>Final metrics by name (e.g. test accuracy).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    /// <summary>
    /// What inputs need before they reach the model (one of <see cref="InputPreprocessing.Names"/>); apply it with
    /// <see cref="InputPreprocessing.Apply(string, TransferSharp.Data.Dataset)"/>. Default (and the meaning of sidecars without the field): <c>none</c>.
    /// </summary>
    public string Preprocessing { get; init; } = InputPreprocessing.None;
    /// <summary>
    /// Width of a bottleneck stage (Linear + BatchNorm1d + ReLU, see <see cref="BottleneckStage"/>) between the
    /// architecture's features and its head, as domain adaptation trains it; 0 (default) = the plain architecture.
    /// </summary>
    public int Bottleneck { get; init; }
    /// <summary>
    /// SHA-256 (lower-case hex) of the weights file this sidecar was saved with; null in sidecars written before it
    /// was recorded (then nothing is checked). See <see cref="Checkpoint.Verify"/>.
    /// </summary>
    public string? WeightsSha256 { get; init; }
    /// <summary>SHA-256 of the optimiser-state file saved with the weights, or null when none was saved with them.</summary>
    public string? OptimizerSha256 { get; init; }

    /// <summary>The model spec this checkpoint describes.</summary>
    [JsonIgnore]
    public ModelSpec Spec => new(Architecture, InputShape, ClassNames.Length);
}

/// <summary>
/// Model weights (TorchSharp format) plus a JSON sidecar, and optionally the optimiser state for resuming.
/// Files: <c>model.pt</c>, <c>model.json</c>, <c>model.optim.pt</c>. Every file is written to a temporary name
/// first and renamed into place, so an interrupted save never leaves a half-written file.
/// </summary>
/// <remarks>
/// The renames are one at a time, so a crash between them could leave new weights beside the previous save's
/// sidecar. The sidecar is renamed last and records the SHA-256 of the weights and optimiser state it goes with;
/// <see cref="Load(string)"/> and <see cref="Verify"/> reject a mixed pair with an error instead of resuming from it.
/// </remarks>
public static class Checkpoint
{
    internal const string FormatTag = "transfersharp-checkpoint/1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The sidecar path for a weights path.</summary>
    public static string SidecarPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    /// <summary>The optimiser-state path for a weights path.</summary>
    public static string OptimizerPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".optim.pt");

    /// <summary>Writes weights, sidecar and (when given) optimiser state; without one, removes a stale optimiser state file.</summary>
    public static void Save(string weightsPath, Module<Tensor, Tensor> model, CheckpointInfo info, OptimizerHelper? optimizer = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(weightsPath))!;
        Directory.CreateDirectory(dir);
        RemoveStaleTemporaries(dir);
        var pending = new List<(string Temp, string Final)>();
        try
        {
            string Temp(string final)
            {
                var t = Path.Combine(dir, $".{Path.GetFileName(final)}.{Environment.ProcessId}.tmp");
                pending.Add((t, final));
                return t;
            }
            var weights = Temp(weightsPath);
            model.save(weights);
            string? optimizerSha = null;
            if (optimizer is not null)
            {
                var state = Temp(OptimizerPath(weightsPath));
                optimizer.save_state_dict(state);
                optimizerSha = Sha256(state);
            }
            info = info with { WeightsSha256 = Sha256(weights), OptimizerSha256 = optimizerSha };
            File.WriteAllText(Temp(SidecarPath(weightsPath)), JsonSerializer.Serialize(info, Json));
            foreach (var (t, f) in pending) File.Move(t, f, overwrite: true);   // the sidecar last: it commits the save
            pending.Clear();
            // An older optimiser state beside these weights belongs to other weights (e.g. the last epoch's, when the
            // final save holds the best epoch's): resuming from it would pair them wrongly, so it goes.
            if (optimizer is null) File.Delete(OptimizerPath(weightsPath));
        }
        finally
        {
            foreach (var (t, _) in pending) File.Delete(t);
        }
    }

    /// <summary>
    /// Deletes the temporaries (<c>.model.pt.&lt;pid&gt;.tmp</c>) that saves of processes no longer running left in
    /// <paramref name="folder"/>: a save killed between writing and renaming (kill -9, power loss) cannot delete its
    /// own, and they are as large as the model. A temporary of a live process (a save in progress) is kept.
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public static int RemoveStaleTemporaries(string folder)
    {
        int removed = 0;
        if (!Directory.Exists(folder)) return 0;
        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var name = Path.GetFileName(file);
            var parts = name[..^".tmp".Length].Split('.');
            if (parts.Length < 3 || !int.TryParse(parts[^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                || IsRunning(pid)) continue;
            try { File.Delete(file); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // someone else's to clean
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return false; }
    }

    /// <summary>
    /// Checks that the weights (and the optimiser state, when the sidecar records one and the file exists) are the
    /// files <paramref name="info"/> was saved with. Sidecars without recorded hashes pass.
    /// </summary>
    /// <exception cref="InvalidDataException">A file differs from the one its sidecar was saved with.</exception>
    public static void Verify(string weightsPath, CheckpointInfo info)
    {
        var sidecar = Path.GetFileName(SidecarPath(weightsPath));
        if (info.WeightsSha256 is { } w && Sha256(weightsPath) != w)
            throw new InvalidDataException($"{weightsPath}: the weights are not the ones its sidecar {sidecar} was saved with (an interrupted save, or a file replaced)");
        var optimizerPath = OptimizerPath(weightsPath);
        if (info.OptimizerSha256 is { } o && File.Exists(optimizerPath) && Sha256(optimizerPath) != o)
            throw new InvalidDataException($"{optimizerPath}: the optimiser state is not the one {sidecar} was saved with (an interrupted save, or a file replaced)");
    }

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
    }

    /// <summary>Reads only the sidecar.</summary>
    public static CheckpointInfo ReadInfo(string weightsPath)
    {
        if (Path.GetExtension(weightsPath).Equals(".json", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{weightsPath}: a checkpoint's sidecar, not its weights; pass the weights file beside it ({Path.ChangeExtension(Path.GetFileName(weightsPath), ".pt")})");
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: checkpoint not found", weightsPath);
        var sidecar = SidecarPath(weightsPath);
        if (!File.Exists(sidecar)) throw new InvalidDataException($"{weightsPath}: its sidecar {Path.GetFileName(sidecar)} is missing, so the architecture is unknown");
        CheckpointInfo? info;
        try
        {
            // The format first, from the parsed document, so that another kind of sidecar gets a clear answer rather
            // than a deserialisation error; then the same document is bound.
            using var doc = JsonDocument.Parse(File.ReadAllText(sidecar));
            string? format = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f)
                             && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (format?.StartsWith("transfersharp-multitask/", StringComparison.Ordinal) == true) // MultiTask/MultiTaskCheckpoint
                throw new InvalidDataException($"{sidecar}: a multitask checkpoint (one trunk, several heads); use one task's " +
                                               "checkpoint instead: transfer multitask writes them as tasks/<task>.pt in its run folder");
            if (format != FormatTag) throw new InvalidDataException($"{sidecar}: format '{format}' is not {FormatTag}");
            info = doc.RootElement.Deserialize<CheckpointInfo>(Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: not a valid checkpoint sidecar: {e.Message}");
        }
        if (info is null) throw new InvalidDataException($"{sidecar}: not a valid checkpoint sidecar");
        // "required" only demands the keys: a JSON null in them would reach the model builder as a null reference.
        var nulls = new List<string>();
        if (info.Architecture is null) nulls.Add("architecture");
        if (info.InputShape is null) nulls.Add("input_shape");
        if (info.ClassNames is null || info.ClassNames.Any(c => c is null)) nulls.Add("class_names");
        if (info.History is null) nulls.Add("history");
        if (info.Metrics is null) nulls.Add("metrics");
        if (info.Preprocessing is null) nulls.Add("preprocessing");
        if (info.Data is null) nulls.Add("data");
        if (nulls.Count > 0) throw new InvalidDataException($"{sidecar}: {string.Join(", ", nulls)} must not be null");
        var errors = info.Spec.Validate().Select(e => e.Message).ToList();
        if (!InputPreprocessing.Names.Contains(info.Preprocessing))
            errors.Add($"preprocessing '{info.Preprocessing}' is unknown (choose {string.Join(", ", InputPreprocessing.Names)})");
        if (info.Bottleneck < 0) errors.Add($"bottleneck must be 0 (none) or positive, got {info.Bottleneck}");
        // An edited input shape must not reach the model builder, whose int arithmetic overflows or allocates it.
        if (info.InputShape is { Length: > 0 } shape && shape.All(d => d > 0)
            && shape.Aggregate((Int128)1, (p, d) => p * d) is var elements && elements * 4 > Math.Min(int.MaxValue, Data.MemoryBudget.Available()))
            errors.Add($"input shape {string.Join("x", shape)} is {elements} values per example, more than a model can be built for");
        if (errors.Count > 0) throw new InvalidDataException($"{sidecar}: {string.Join("; ", errors)}");
        return info;
    }

    /// <summary>
    /// Loads the weights file at <paramref name="weightsPath"/> into <paramref name="model"/> (its architecture, keys
    /// checked strictly), wherever the model lives: weights are saved from the CPU, so a model on another device is
    /// loaded on the CPU and moved back.
    /// </summary>
    public static void LoadWeights(Module model, string weightsPath) => Devices.LoadWeights(model, weightsPath, strict: true);

    /// <summary>As <see cref="Load(string)"/>, then moves the model to <paramref name="device"/> (<c>cpu</c>, <c>cuda</c>,
    /// <c>cuda:N</c> or <c>auto</c>, see <see cref="DeviceChoice"/>).</summary>
    public static (StagedModel Model, CheckpointInfo Info) Load(string weightsPath, string device)
    {
        var target = DeviceChoice.Resolve(device);
        var (model, info) = Load(weightsPath);
        return (model.MoveTo(target), info);
    }

    /// <summary>Rebuilds the model (on the CPU) from the sidecar and loads its weights.</summary>
    public static (StagedModel Model, CheckpointInfo Info) Load(string weightsPath)
    {
        var info = ReadInfo(weightsPath);
        Verify(weightsPath, info);
        var model = info.Bottleneck > 0 ? BottleneckStage.Create(info.Spec, info.Bottleneck) : ModelZoo.Create(info.Spec);
        try
        {
            model.load(weightsPath, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{weightsPath}: weights do not load into {info.Architecture}: {e.Message}");
        }
        try { NonFinite.RequireFiniteWeights(model, weightsPath); }
        catch
        {
            model.Dispose();
            throw;
        }
        return (model, info);
    }
}
