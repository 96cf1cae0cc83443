using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>One head of a multitask model: the task's name and its number of classes.</summary>
public sealed record TaskHeadSpec(string Name, int ClassCount);

/// <summary>
/// A multitask model built from a <see cref="ModelZoo"/> architecture: the first <paramref name="SharedStages"/>
/// stages form the shared trunk, and every task gets its own copy of the remaining stages, ending in its own head.
/// </summary>
/// <param name="Architecture">One of <see cref="ModelZoo.Architectures"/>.</param>
/// <param name="InputShape"><c>[C, H, W]</c> or <c>[D]</c>, the same for every task.</param>
/// <param name="SharedStages">How many leading stages are shared: 1 .. (stage count − 1).</param>
/// <param name="Tasks">The heads, in order.</param>
public sealed record MultiTaskSpec(string Architecture, long[] InputShape, int SharedStages, IReadOnlyList<TaskHeadSpec> Tasks)
{
    /// <summary>Stage names of <paramref name="architecture"/> for inputs of <paramref name="inputShape"/>.</summary>
    public static IReadOnlyList<string> StageNames(string architecture, long[] inputShape)
    {
        using var probe = ModelZoo.Create(new ModelSpec(architecture, inputShape, 2));
        return probe.StageNames;
    }

    /// <summary>
    /// Parses a trunk option: <c>first:N</c> (the first N stages) or <c>first:STAGE</c> (up to and including the named
    /// stage), e.g. <c>first:2</c> or <c>first:fc1</c>. Null or empty = every stage but the head.
    /// </summary>
    /// <exception cref="ArgumentException">A malformed option or one that shares nothing or everything.</exception>
    public static int ParseShared(string? option, IReadOnlyList<string> stageNames)
    {
        int max = stageNames.Count - 1;
        string choices = $"first:1 .. first:{max} or first:STAGE with STAGE one of {string.Join(", ", stageNames.Take(max))}";
        if (string.IsNullOrWhiteSpace(option)) return max;
        if (!option.StartsWith("first:", StringComparison.Ordinal))
            throw new ArgumentException($"--shared '{option}' must be {choices}");
        var rest = option["first:".Length..];
        int n = int.TryParse(rest, out int k) ? k : stageNames.ToList().IndexOf(rest) + 1;
        if (n == 0 && !int.TryParse(rest, out _))
            throw new ArgumentException($"--shared '{option}': no stage '{rest}' ({choices})");
        if (n < 1 || n > max)
            throw new ArgumentException($"--shared '{option}': the trunk needs 1 to {max} of the {stageNames.Count} stages, leaving each task at least its head ({choices})");
        return n;
    }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (!ModelZoo.Architectures.Contains(Architecture))
            e.Add(new(nameof(Architecture), $"model '{Architecture}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})"));
        if (Tasks.Count == 0) e.Add(new(nameof(Tasks), "no tasks"));
        foreach (var t in Tasks)
        {
            if (!TaskSpec.IsValidName(t.Name)) e.Add(new(nameof(Tasks), $"task name '{t.Name}' must be non-empty letters, digits, '-' or '_'"));
            if (t.ClassCount < 2) e.Add(new(nameof(Tasks), $"task '{t.Name}' needs at least 2 classes, got {t.ClassCount}"));
        }
        foreach (var dup in Tasks.GroupBy(t => t.Name).Where(g => g.Count() > 1))
            e.Add(new(nameof(Tasks), $"task name '{dup.Key}' is used {dup.Count()} times"));
        if (SharedStages < 1) e.Add(new(nameof(SharedStages), $"shared stages must be at least 1, got {SharedStages}"));
        return e;
    }
}
