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
        var run = new RunFolder(path);
        run.Lock();
        return run;
    }

    /// <summary>
    /// An existing run folder (for <c>--resume</c>), locked; the temporaries of saves killed before their rename are
    /// removed (with the lock held, no other process can be writing them).
    /// </summary>
    public static RunFolder Open(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"--resume {path}: no such run folder");
        var run = new RunFolder(path);
        run.Lock();
        Training.Checkpoint.RemoveStaleTemporaries(path);
        foreach (var tmp in Directory.EnumerateFiles(path, "*" + AtomicFile.TempSuffix))
            if (!System.IO.Path.GetFileName(tmp).StartsWith('.')) File.Delete(tmp);   // AtomicFile's path.tmp: the lock says it is stale
        return run;
    }

    public string LockFile => System.IO.Path.Combine(Path, "run.lock");

    // Open run.lock handles of this process: FileShare.None is an exclusive flock(2) on Unix and a share lock on
    // Windows, so a second process (or a second resume) opening the same folder fails at once; the kernel drops the
    // lock when a process dies, so a killed run never leaves its folder locked.
    private static readonly List<(string Path, FileStream Handle)> Locks = [];

    private void Lock()
    {
        try
        {
            var handle = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            lock (Locks) Locks.Add((LockFile, handle));
        }
        catch (IOException)
        {
            throw new IOException($"{Path}: another transfer process is writing this run folder (it holds run.lock); wait for it to end");
        }
    }

    /// <summary>
    /// Releases (and deletes) every run folder lock this process holds; called when a command ends. A run folder left
    /// empty (the command failed before writing anything, e.g. on bad input found after the folder was made) is removed.
    /// </summary>
    internal static void ReleaseLocks()
    {
        lock (Locks)
        {
            foreach (var (path, handle) in Locks)
            {
                try { File.Delete(path); } catch (IOException) { }
                handle.Dispose();
                var folder = System.IO.Path.GetDirectoryName(path)!;
                try { if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder); } catch (IOException) { }
            }
            Locks.Clear();
        }
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
