namespace TransferSharp.Data;

/// <summary>Index arithmetic shared by the in-memory and the streaming readers, so both split the same way.</summary>
internal static class Splits
{
    /// <summary>
    /// Indices of a stratified split: about <paramref name="testFraction"/> of every class (at least one, never all
    /// of a class with two or more members) goes to the test part. <paramref name="byClass"/> holds each class's
    /// indices; both parts come back sorted.
    /// </summary>
    public static (List<long> Train, List<long> Test) Stratified(IReadOnlyList<IReadOnlyList<long>> byClass, double testFraction, int seed)
    {
        if (testFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "must be in (0, 1)");
        var rng = new Random(seed);
        var train = new List<long>();
        var test = new List<long>();
        foreach (var members in byClass)
        {
            var shuffled = members.ToArray();
            rng.Shuffle(shuffled);
            int nTest = (int)Math.Round(shuffled.Length * testFraction);
            if (shuffled.Length > 1) nTest = Math.Clamp(nTest, 1, shuffled.Length - 1);
            test.AddRange(shuffled[..nTest]);
            train.AddRange(shuffled[nTest..]);
        }
        train.Sort();
        test.Sort();
        return (train, test);
    }

    /// <summary>
    /// Indices of stratified k-fold cross-validation: every class's members are shuffled and dealt to the folds in
    /// turn, so each fold holds about 1/<paramref name="folds"/> of every class. Returns the held-out indices of fold
    /// <paramref name="fold"/> and the rest, both sorted; the same seed gives the same folds for every fold index.
    /// </summary>
    public static (List<long> Train, List<long> Held) StratifiedFold(IReadOnlyList<IReadOnlyList<long>> byClass, int folds, int fold, int seed)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "must be at least 2");
        if (fold < 0 || fold >= folds) throw new ArgumentOutOfRangeException(nameof(fold), fold, $"must be in 0..{folds - 1}");
        var rng = new Random(seed);
        var train = new List<long>();
        var held = new List<long>();
        int offset = 0;   // continues across classes, so small classes do not all leave their examples in fold 0
        foreach (var members in byClass)
        {
            var shuffled = members.ToArray();
            rng.Shuffle(shuffled);
            for (int i = 0; i < shuffled.Length; i++) ((offset + i) % folds == fold ? held : train).Add(shuffled[i]);
            offset += shuffled.Length;
        }
        train.Sort();
        held.Sort();
        return (train, held);
    }

    /// <summary>Each class's indices, in order, for labels in <c>0..classCount-1</c>.</summary>
    public static List<IReadOnlyList<long>> ByClass(IReadOnlyList<long> labels, int classCount)
    {
        var groups = Enumerable.Range(0, classCount).Select(_ => new List<long>()).ToList();
        for (int i = 0; i < labels.Count; i++) groups[(int)labels[i]].Add(i);
        return groups.Select(g => (IReadOnlyList<long>)g).ToList();
    }
}
