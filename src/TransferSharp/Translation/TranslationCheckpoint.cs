using System.Text.Json;
using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>The JSON sidecar of a translation checkpoint: enough to rebuild the model and its tokenizer.</summary>
public sealed record TranslationCheckpointInfo
{
    /// <summary>Format tag checked on load.</summary>
    public string Format { get; init; } = TranslationCheckpoint.FormatTag;
    /// <summary>Languages with a token, in token order.</summary>
    public required IReadOnlyList<string> Languages { get; init; }
    /// <summary>The character vocabulary, in id order (empty for the o200k tokenizer).</summary>
    public required string Characters { get; init; }
    /// <summary>The o200k tokenizer's kept o200k ids, in compact-id order; null for characters (<see cref="TranslationOptions.Tokenizer"/> says which).</summary>
    public IReadOnlyList<int>? Pieces { get; init; }
    /// <summary>Model sizes and training settings.</summary>
    public required TranslationOptions Options { get; init; }
    /// <summary>Directions trained on (<c>en-fr</c>).</summary>
    public required IReadOnlyList<string> TrainedDirections { get; init; }
    /// <summary>Per-epoch metrics.</summary>
    public IReadOnlyList<EpochMetrics> History { get; init; } = [];
}

/// <summary>
/// Saves and loads a <see cref="Translator"/>: weights (TorchSharp format) in <c>model.pt</c> and the sidecar
/// <c>model.json</c>, each written to a temporary name and renamed into place.
/// </summary>
public static class TranslationCheckpoint
{
    internal const string FormatTag = "transfersharp-translate/1";

    /// <summary>Writes weights and sidecar.</summary>
    public static void Save(string weightsPath, Translator translator)
    {
        var info = new TranslationCheckpointInfo
        {
            Languages = translator.Tokenizer.Languages, Characters = (translator.Tokenizer as CharTokenizer)?.Characters ?? "",
            Pieces = (translator.Tokenizer as SubwordTokenizer)?.Pieces, Options = translator.Model.Options,
            TrainedDirections = translator.TrainedDirections.Select(d => d.ToString()).ToArray(), History = translator.History,
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(weightsPath))!;
        Directory.CreateDirectory(dir);
        var sidecar = Checkpoint.SidecarPath(weightsPath);
        string tmpWeights = Path.Combine(dir, $".{Path.GetFileName(weightsPath)}.{Environment.ProcessId}.tmp");
        string tmpSidecar = Path.Combine(dir, $".{Path.GetFileName(sidecar)}.{Environment.ProcessId}.tmp");
        try
        {
            translator.Model.save(tmpWeights);
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

    /// <summary>Reads a translator.</summary>
    /// <exception cref="FileNotFoundException">The weights or the sidecar is missing.</exception>
    /// <exception cref="InvalidDataException">The sidecar is not a translation sidecar, or the weights do not fit it.</exception>
    public static Translator Load(string weightsPath)
    {
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: no such checkpoint", weightsPath);
        var sidecar = Checkpoint.SidecarPath(weightsPath);
        if (!File.Exists(sidecar)) throw new FileNotFoundException($"{sidecar}: the checkpoint's sidecar is missing", sidecar);
        TranslationCheckpointInfo info;
        try
        {
            info = JsonSerializer.Deserialize<TranslationCheckpointInfo>(File.ReadAllText(sidecar), Checkpoint.Json)
                   ?? throw new InvalidDataException($"{sidecar}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: not a translation checkpoint sidecar ({e.Message})");
        }
        if (info.Format != FormatTag) throw new InvalidDataException($"{sidecar}: format '{info.Format}' is not a translation checkpoint ({FormatTag})");
        ITranslationTokenizer tokenizer;
        try
        {
            tokenizer = info.Options.Tokenizer switch
            {
                CharTokenizer.Name => CharTokenizer.FromSaved(info.Languages, info.Characters),
                SubwordTokenizer.Name => SubwordTokenizer.FromSaved(info.Languages, info.Pieces ?? throw new InvalidDataException("no pieces")),
                var other => throw new InvalidDataException($"tokenizer '{other}' is not one of {string.Join(", ", ITranslationTokenizer.Kinds)}"),
            };
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{sidecar}: bad {info.Options.Tokenizer} tokenizer ({e.Message})");
        }
        var model = new TranslationModel(tokenizer.VocabularySize, info.Options);
        try
        {
            model.load(weightsPath);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{weightsPath}: the weights do not fit the sidecar's model ({e.Message.Split('\n')[0]})");
        }
        model.eval();
        return new Translator(model, tokenizer, info.TrainedDirections.SelectMany(TranslationDirection.ParseList).ToArray(), info.History);
    }
}
