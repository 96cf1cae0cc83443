using TransferSharp.Data;

namespace TransferSharp.ZeroShot;

/// <summary>
/// Splits a labelled dataset for zero-shot learning: the unseen classes' images are kept out of training entirely
/// (they are the zero-shot test set); the seen classes' images are split into training and a held-out part used by
/// the generalized evaluation.
/// </summary>
public sealed class ZeroShotSplit : IDisposable
{
    private ZeroShotSplit(int[] seen, int[] unseen, Dataset seenTrain, Dataset seenTest, Dataset unseenTest)
    {
        Seen = seen;
        Unseen = unseen;
        SeenTrain = seenTrain;
        SeenTest = seenTest;
        UnseenTest = unseenTest;
    }

    /// <summary>Seen classes, as indices into the dataset's classes (ascending).</summary>
    public IReadOnlyList<int> Seen { get; }
    /// <summary>Unseen classes, as indices into the dataset's classes (in the order given).</summary>
    public IReadOnlyList<int> Unseen { get; }
    /// <summary>Training images of the seen classes only, relabelled 0..S−1 in the order of <see cref="Seen"/>.</summary>
    public Dataset SeenTrain { get; }
    /// <summary>Held-out seen-class images, labelled with the dataset's class indices.</summary>
    public Dataset SeenTest { get; }
    /// <summary>Every image of the unseen classes, labelled with the dataset's class indices.</summary>
    public Dataset UnseenTest { get; }

    /// <summary>Parses class names, indices or ranges (<c>Sandal,Bag</c>, <c>3,7</c>, <c>0-2</c>) into class indices of <paramref name="data"/>.</summary>
    public static IReadOnlyList<int> ParseClasses(string spec, Dataset data)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new ArgumentException("no unseen classes given");
        return Catalog.ParseClassFilter(spec, data);
    }

    /// <summary>Splits <paramref name="data"/>; <paramref name="seenTestFraction"/> of every seen class is held out (seeded).</summary>
    /// <exception cref="ArgumentException">Unlabelled data, a repeated class, no unseen class, or fewer than two seen classes.</exception>
    public static ZeroShotSplit Create(Dataset data, IReadOnlyList<int> unseen, double seenTestFraction, int seed)
    {
        if (!data.HasLabels) throw new ArgumentException($"dataset '{data.Name}' has no labels, so seen and unseen classes cannot be told apart");
        if (seenTestFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(seenTestFraction), seenTestFraction, "must be in (0, 1)");
        if (unseen.Count == 0) throw new ArgumentException("at least one class must be unseen");
        foreach (var c in unseen)
            if (c < 0 || c >= data.ClassCount) throw new ArgumentException($"dataset '{data.Name}': class {c} does not exist (0..{data.ClassCount - 1})");
        var repeated = unseen.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ArgumentException($"unseen class '{data.ClassNames[repeated.Key]}' is listed twice");
        var seen = Enumerable.Range(0, data.ClassCount).Except(unseen).ToArray();
        if (seen.Length < 2)
            throw new ArgumentException($"at least two classes must stay seen for training; {unseen.Count} of {data.ClassCount} are unseen");

        var groups = data.IndicesByClass();
        foreach (var c in seen.Concat(unseen))
            if (groups[c].Count == 0) throw new ArgumentException($"dataset '{data.Name}': class '{data.ClassNames[c]}' has no examples");
        var rng = new Random(seed);
        var train = new List<long>();
        var test = new List<long>();
        foreach (var c in seen)
        {
            var members = groups[c].ToArray();
            rng.Shuffle(members);
            int nTest = members.Length > 1 ? Math.Clamp((int)Math.Round(members.Length * seenTestFraction), 1, members.Length - 1) : 0;
            test.AddRange(members[..nTest]);
            train.AddRange(members[nTest..]);
        }
        train.Sort();
        test.Sort();
        var unseenIdx = unseen.SelectMany(c => groups[c]).Order().ToArray();
        var unseenNames = string.Join(",", unseen.Select(c => data.ClassNames[c]));
        using var trainAll = data.Subset(train);
        var seenTrain = trainAll.SelectClasses(seen);
        var seenTest = data.Subset(test, $"{data.Name}:seen-test", $"seen classes held out ({seenTestFraction:0.##}, seed {seed})");
        var unseenTest = data.Subset(unseenIdx, $"{data.Name}:unseen", $"unseen classes {unseenNames}");
        return new ZeroShotSplit(seen, unseen.ToArray(), seenTrain, seenTest, unseenTest);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        SeenTrain.Dispose();
        SeenTest.Dispose();
        UnseenTest.Dispose();
    }
}
