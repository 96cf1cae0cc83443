using System.Globalization;
using TransferSharp.Data;
using TransferSharp.MultiTask;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// One <c>--task</c> value as the library's <see cref="TaskSource"/>: <c>SOURCE[@key=value,...]</c>, SOURCE as <c>--data</c>
/// takes it (a name or path, optionally <c>:classes</c>), the keys <see cref="Keys"/>. The options follow the last '@',
/// apart from the class filter whose ':' and ',' would clash (<c>mnist:0-4@shots=10,weight=2</c>); a tail without '='
/// is part of a path (<c>data/run@2/x.csv</c>).
/// </summary>
internal static class TaskArgument
{
    public static readonly IReadOnlyList<string> Keys = ["name", "labels", "shots", "weight", "sample"];

    /// <exception cref="ArgumentException">The value and what is wrong with it.</exception>
    public static TaskSource Parse(string text)
    {
        ArgumentException Bad(string why) => new($"--task '{text}': {why}");
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("--task: empty task; write NAME|PATH[:classes][@key=value,...]");
        int at = text.LastIndexOf('@');
        var (source, options) = at >= 0 && text[(at + 1)..].Contains('=') ? (text[..at], text[(at + 1)..]) : (text, "");
        if (string.IsNullOrWhiteSpace(source)) throw Bad("no dataset before '@'");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in options.Length == 0 ? Array.Empty<string>() : options.Split(',', StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0 || eq == pair.Length - 1) throw Bad($"option '{pair}' must be key=value ({string.Join(", ", Keys)})");
            var key = pair[..eq].Trim().ToLowerInvariant();
            if (!Keys.Contains(key)) throw Bad($"unknown option '{key}' (options: {string.Join(", ", Keys)})");
            if (!values.TryAdd(key, pair[(eq + 1)..].Trim())) throw Bad($"option '{key}' given twice");
        }
        string? labels = values.GetValueOrDefault("labels");
        if (labels is not null && !LabelMaps.Names.Contains(labels)) throw Bad($"labels '{labels}' is unknown (choose {string.Join(", ", LabelMaps.Names)})");
        int? shots = !values.TryGetValue("shots", out var s) ? null
            : int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0 ? k
            : throw Bad($"shots must be a positive whole number of labelled examples per class, got '{s}'");
        string name = values.GetValueOrDefault("name") ?? DefaultName(source, labels);
        if (!TaskSpec.IsValidName(name))
            throw Bad(values.ContainsKey("name") ? $"name '{name}' must be letters, digits, '-' or '_'" : "cannot derive a task name from the source; give one with @name=...");
        return new TaskSource(name, source) { Labels = labels, Shots = shots, Weight = Number("weight"), Sample = Number("sample") };

        double Number(string key) => !values.TryGetValue(key, out var v) ? 1
            : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) && d >= 0 ? d
            : throw Bad($"{key} must be a non-negative number, got '{v}'");
    }

    /// <summary><c>mnist:0-4</c> becomes <c>mnist-0-4</c>, <c>data/set.csv</c> becomes <c>set</c>; a label map is appended.</summary>
    internal static string DefaultName(string source, string? labels)
    {
        int filterAt = source.LastIndexOf(':');
        string name = Path.GetFileNameWithoutExtension(filterAt > 0 ? source[..filterAt] : source);
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) name = name[..^4];
        name = (name + (filterAt > 0 ? "-" + source[(filterAt + 1)..] : "") + (labels is null ? "" : "-" + labels)).ToLowerInvariant();
        name = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-').ToArray());
        while (name.Contains("--", StringComparison.Ordinal)) name = name.Replace("--", "-", StringComparison.Ordinal);
        return name.Trim('-');
    }
}
