using TransferSharp.Models;

namespace TransferSharp.FineTuning;

/// <summary>Which end of the network, or which named stages, layer transfer copies.</summary>
public enum StageSelectionKind
{
    /// <summary>The first n stages (images: the general early features).</summary>
    First,
    /// <summary>The last n copyable stages (speech-style: the lower layers are re-learnt).</summary>
    Last,
    /// <summary>Stages named one by one.</summary>
    Named,
    /// <summary>Nothing: every stage is freshly initialised (the from-scratch baseline under the same protocol).</summary>
    None,
}

/// <summary>
/// The stages to copy from a source model: <c>first:3</c>, <c>last:2</c>, <c>stages:conv1,fc2</c>, <c>all</c>
/// (every feature stage, the usual fine-tuning start) or <c>none</c> (a freshly initialised network of the source's
/// architecture: training from scratch on exactly the target split, shots and schedule the transfers get).
/// </summary>
/// <remarks>
/// The copyable stages are the feature stages, plus the head when source and target have the same number of classes
/// (a head for other classes cannot be copied; it is always new then). <c>first</c> and <c>last</c> count within the
/// copyable stages.
/// </remarks>
public sealed record StageSelection
{
    /// <summary>First, last or named.</summary>
    public StageSelectionKind Kind { get; init; }
    /// <summary>How many stages, for <see cref="StageSelectionKind.First"/> and <see cref="StageSelectionKind.Last"/>; null = all feature stages.</summary>
    public int? Count { get; init; }
    /// <summary>Stage names, for <see cref="StageSelectionKind.Named"/>.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Every feature stage (the head is new).</summary>
    public static StageSelection AllFeatures { get; } = new() { Kind = StageSelectionKind.First };

    /// <summary>No stage: the whole network is new (the from-scratch baseline).</summary>
    public static StageSelection Nothing { get; } = new() { Kind = StageSelectionKind.None };

    /// <summary>The first <paramref name="n"/> stages.</summary>
    public static StageSelection First(int n) => new() { Kind = StageSelectionKind.First, Count = n };

    /// <summary>The last <paramref name="n"/> copyable stages.</summary>
    public static StageSelection Last(int n) => new() { Kind = StageSelectionKind.Last, Count = n };

    /// <summary>The stages named.</summary>
    public static StageSelection Of(params string[] names) => new() { Kind = StageSelectionKind.Named, Names = names };

    /// <summary>Parses <c>first:N</c>, <c>last:N</c>, <c>stages:a,b</c>, <c>all</c> or <c>none</c>; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static StageSelection Parse(string text)
    {
        var t = text.Trim();
        if (t.Equals("all", StringComparison.OrdinalIgnoreCase)) return AllFeatures;
        if (t.Equals("none", StringComparison.OrdinalIgnoreCase)) return Nothing;
        int colon = t.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"'{text}' is not first:N, last:N, stages:a,b, all or none");
        var (kind, arg) = (t[..colon].ToLowerInvariant(), t[(colon + 1)..]);
        switch (kind)
        {
            case "first" or "last":
                if (!int.TryParse(arg, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1)
                    throw new ArgumentException($"'{text}': the count must be a whole number of at least 1");
                return kind == "first" ? First(n) : Last(n);
            case "stages":
                var names = arg.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (names.Length == 0) throw new ArgumentException($"'{text}': no stage names after 'stages:'");
                return Of(names);
            default:
                throw new ArgumentException($"'{text}': '{kind}' is not first, last or stages");
        }
    }

    /// <summary>
    /// The stage names this selection copies from <paramref name="source"/> into a model of <paramref name="target"/>,
    /// in forward order; throws <see cref="ArgumentException"/> naming the stages that exist when it cannot.
    /// </summary>
    public IReadOnlyList<string> Resolve(StagedModel source, ModelSpec target)
    {
        var all = source.StageNames;
        bool headCopyable = source.Spec.ClassCount == target.ClassCount;
        var copyable = headCopyable ? all.ToArray() : all.Take(all.Count - 1).ToArray();
        string Available() => $"{source.Spec.Architecture} has {copyable.Length} copyable stages: {string.Join(", ", copyable)}" +
                              (headCopyable ? "" : $" (its head '{all[^1]}' has {source.Spec.ClassCount} classes, the target {target.ClassCount})");
        switch (Kind)
        {
            case StageSelectionKind.None:
                return [];
            case StageSelectionKind.First or StageSelectionKind.Last:
                int n = Count ?? all.Count - 1;
                if (n < 1 || n > copyable.Length)
                    throw new ArgumentException($"cannot copy {Kind.ToString().ToLowerInvariant()}:{n}: {Available()}");
                return Kind == StageSelectionKind.First ? copyable[..n] : copyable[^n..];
            default:
                if (Names.Count == 0) throw new ArgumentException("no stages named");
                foreach (var name in Names)
                {
                    if (!all.Contains(name)) throw new ArgumentException($"unknown stage '{name}': {Available()}");
                    if (!copyable.Contains(name)) throw new ArgumentException($"stage '{name}' cannot be copied: {Available()}");
                }
                if (Names.Distinct().Count() != Names.Count) throw new ArgumentException($"a stage is named twice in stages:{string.Join(',', Names)}");
                return copyable.Where(Names.Contains).ToArray();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        StageSelectionKind.Named => $"stages:{string.Join(',', Names)}",
        StageSelectionKind.None => "none",
        _ when Count is null => "all",
        _ => $"{Kind.ToString().ToLowerInvariant()}:{Count}",
    };
}
