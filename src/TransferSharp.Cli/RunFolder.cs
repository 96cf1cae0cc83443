using System.Text.Json;
using System.Text.Json.Serialization;
using TransferSharp.Training;

namespace TransferSharp.Cli;

/// <summary><c>runs/&lt;command&gt;-&lt;time&gt;/</c>: where a training command leaves its evidence.</summary>
internal sealed class RunFolder
{
    private RunFolder(string path) => Path = path;

    public string Path { get; }
    public string Checkpoint => System.IO.Path.Combine(Path, "model.pt");
    public string Metrics => System.IO.Path.Combine(Path, "metrics.json");
    public string Settings => System.IO.Path.Combine(Path, "run.json");
    public string LearningCurve => System.IO.Path.Combine(Path, "learning-curve.png");

    public static RunFolder Create(string root, string command)
    {
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(root, $"{command}-{stamp}");
        for (int i = 2; Directory.Exists(path); i++) path = System.IO.Path.Combine(root, $"{command}-{stamp}-{i}");
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    public static RunFolder Open(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"--resume {path}: no such run folder");
        return new RunFolder(path);
    }

    /// <summary>
    /// How run.json and metrics.json are written: snake_case keys, kebab-case enums, NaN and infinities as strings
    /// (the checkpoint sidecar's conventions, so the two read alike; bench/*.sh parse these keys).
    /// </summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void WriteJson<T>(string path, T value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Json));

    public T ReadJson<T>(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: missing, so this run cannot be resumed", path);
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty"); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON: {e.Message}"); }
    }

    public void SaveLearningCurve(IReadOnlyList<EpochMetrics> history, string title) => LearningCurvePlot.Save(LearningCurve, history, title);
}
