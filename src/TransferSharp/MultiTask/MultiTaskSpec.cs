using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>
/// One head of a multitask model: the task's name, its number of classes and, when the model gives every task its own
/// input stages (<see cref="MultiTaskSpec.InputStages"/>), the shape of its examples (null: the spec's input shape).
/// </summary>
public sealed record TaskHeadSpec(string Name, int ClassCount, long[]? InputShape = null);

/// <summary>
/// A multitask model built from a <see cref="ModelZoo"/> architecture: the first <paramref name="SharedStages"/>
/// stages form the shared trunk, and every task gets its own copy of the remaining stages, ending in its own head.
/// </summary>
/// <param name="Architecture">One of <see cref="ModelZoo.Architectures"/>.</param>
/// <param name="InputShape"><c>[C, H, W]</c> or <c>[D]</c>: every task's, unless a task gives its own (then only with
/// <see cref="InputStages"/>).</param>
/// <param name="SharedStages">How many leading stages are shared: 1 .. (stage count − 1).</param>
/// <param name="Tasks">The heads, in order.</param>
public sealed record MultiTaskSpec(string Architecture, long[] InputShape, int SharedStages, IReadOnlyList<TaskHeadSpec> Tasks)
{
    /// <summary>
    /// How many leading stages each task has of its own, before the shared ones (default 0: the trunk starts at the
    /// input). With 1 or more, tasks may take inputs of different shapes, as in the lecture's speech example turned
    /// around: the lower layers differ by input, the upper layers are shared (stages InputStages .. SharedStages − 1),
    /// and every task again has its own head. The per-task stages must give every task the same shape.
    /// </summary>
    public int InputStages { get; init; }

    /// <summary>The input shape of task <paramref name="task"/>'s examples.</summary>
    public long[] InputShapeOf(TaskHeadSpec task) => task.InputShape ?? InputShape;

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
    public static int ParseShared(string? option, IReadOnlyList<string> stageNames) => ParseShared(option, stageNames, "--shared");

    /// <summary><see cref="ParseShared(string?, IReadOnlyList{string})"/> for the option named <paramref name="name"/> (also <c>--own-input</c>).</summary>
    public static int ParseShared(string? option, IReadOnlyList<string> stageNames, string name)
    {
        int max = stageNames.Count - 1;
        string choices = $"first:1 .. first:{max} or first:STAGE with STAGE one of {string.Join(", ", stageNames.Take(max))}";
        if (string.IsNullOrWhiteSpace(option)) return max;
        if (!option.StartsWith("first:", StringComparison.Ordinal))
            throw new ArgumentException($"{name} '{option}' must be {choices}");
        var rest = option["first:".Length..];
        int n = int.TryParse(rest, out int k) ? k : stageNames.ToList().IndexOf(rest) + 1;
        if (n == 0 && !int.TryParse(rest, out _))
            throw new ArgumentException($"{name} '{option}': no stage '{rest}' ({choices})");
        if (n < 1 || n > max)
            throw new ArgumentException($"{name} '{option}': needs 1 to {max} of the {stageNames.Count} stages, leaving each task at least its head ({choices})");
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
        if (InputStages < 0 || (InputStages > 0 && InputStages >= SharedStages))
            e.Add(new(nameof(InputStages), $"each task's own input stages ({InputStages}) must be fewer than the stages up to the end of the trunk ({SharedStages}), so that some are shared"));
        if (InputStages == 0)
            foreach (var t in Tasks.Where(t => t.InputShape is { } shape && !shape.SequenceEqual(InputShape)))
                e.Add(new(nameof(Tasks), $"task '{t.Name}' takes {string.Join('x', t.InputShape!)} inputs but the trunk takes {string.Join('x', InputShape)}: give each task its own input stages to mix shapes"));
        return e;
    }
}
