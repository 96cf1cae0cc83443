using System.Globalization;
using TransferSharp.Data;
using TransferSharp.MultiTask;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// Parses one <c>--task</c> value into a <see cref="TaskSource"/>: <c>SOURCE[@key=value,key=value...]</c>, where SOURCE is what <c>--data</c> takes (a built-in
/// name or a path, optionally with a <c>:classes</c> filter) and the options after the last <c>@</c> are
/// <c>name</c>, <c>labels</c>, <c>shots</c>, <c>weight</c> and <c>sample</c>.
/// </summary>
/// <remarks>
/// '@' keeps the options apart from the class filter, whose ':' and ',' would clash: <c>mnist:0-4@shots=10,weight=2</c>
/// is classes 0-4 of mnist with the options shots=10 and weight=2. A tail after '@' without '=' is taken as part of a
/// path (<c>data/run@2/x.csv</c>).
/// </remarks>
internal static class TaskArgument
{
    public static readonly IReadOnlyList<string> Keys = ["name", "labels", "shots", "weight", "sample"];

    /// <exception cref="ArgumentException">The value and what is wrong with it.</exception>
    public static TaskSource Parse(string text)
    {
        string Bad(string why) => $"--task '{text}': {why}";
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("--task: empty task; write NAME|PATH[:classes][@key=value,...]");
        string source = text, options = "";
        int at = text.LastIndexOf('@');
        if (at >= 0 && text[(at + 1)..].Contains('='))
        {
            source = text[..at];
            options = text[(at + 1)..];
        }
        if (string.IsNullOrWhiteSpace(source)) throw new ArgumentException(Bad("no dataset before '@'"));

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in options.Split(',', StringSplitOptions.TrimEntries))
        {
            if (options.Length == 0) break;
            int eq = pair.IndexOf('=');
            if (eq <= 0 || eq == pair.Length - 1) throw new ArgumentException(Bad($"option '{pair}' must be key=value ({string.Join(", ", Keys)})"));
            var key = pair[..eq].Trim().ToLowerInvariant();
            if (!Keys.Contains(key)) throw new ArgumentException(Bad($"unknown option '{key}' (options: {string.Join(", ", Keys)})"));
            if (!values.TryAdd(key, pair[(eq + 1)..].Trim())) throw new ArgumentException(Bad($"option '{key}' given twice"));
        }

        string? labels = values.GetValueOrDefault("labels");
        if (labels is not null && !LabelMaps.Names.Contains(labels))
            throw new ArgumentException(Bad($"labels '{labels}' is unknown (choose {string.Join(", ", LabelMaps.Names)})"));
        int? shots = null;
        if (values.TryGetValue("shots", out var s))
            shots = int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0 ? k
                : throw new ArgumentException(Bad($"shots must be a positive whole number of labelled examples per class, got '{s}'"));
        double weight = Number("weight"), sample = Number("sample");
        string name = values.GetValueOrDefault("name") ?? DefaultName(source, labels);
        if (!MultiTask.TaskSpec.IsValidName(name))
            throw new ArgumentException(Bad(values.ContainsKey("name")
                ? $"name '{name}' must be letters, digits, '-' or '_'"
                : "cannot derive a task name from the source; give one with @name=..."));
        return new TaskSource(name, source) { Labels = labels, Shots = shots, Weight = weight, Sample = sample };

        double Number(string key)
        {
            if (!values.TryGetValue(key, out var v)) return 1;
            return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) && d >= 0 ? d
                : throw new ArgumentException(Bad($"{key} must be a non-negative number, got '{v}'"));
        }
    }

    /// <summary><c>mnist:0-4</c> becomes <c>mnist-0-4</c>, <c>data/set.csv</c> becomes <c>set</c>; a label map is appended.</summary>
    internal static string DefaultName(string source, string? labels)
    {
        var filterAt = source.LastIndexOf(':');
        string baseName = Path.GetFileNameWithoutExtension(filterAt > 0 ? source[..filterAt] : source);
        if (baseName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) baseName = baseName[..^4];
        if (filterAt > 0) baseName += "-" + source[(filterAt + 1)..];
        if (labels is not null) baseName += "-" + labels;
        var chars = baseName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-').ToArray();
        var name = new string(chars);
        while (name.Contains("--", StringComparison.Ordinal)) name = name.Replace("--", "-", StringComparison.Ordinal);
        return name.Trim('-');
    }
}
