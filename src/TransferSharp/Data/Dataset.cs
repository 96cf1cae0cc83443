namespace TransferSharp.Data;

/// <summary>
/// A labelled or unlabelled set of examples held as one tensor: images <c>(N, C, H, W)</c> float32 in [0, 1]
/// (until normalised) or features <c>(N, D)</c>, with optional int64 labels <c>(N)</c>, class names and provenance.
/// </summary>
/// <remarks>
/// Every operation returns a new dataset and leaves this one untouched. The tensors are detached from any
/// dispose scope, so a dataset lives until it is disposed (or collected).
/// </remarks>
public sealed class Dataset : IDisposable, IBatchSource
{
    /// <summary>Creates a dataset. The tensors are taken over (detached from the current dispose scope).</summary>
    public Dataset(string name, Tensor inputs, Tensor? labels, IReadOnlyList<string> classNames, string provenance)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() != 2 && inputs.dim() != 4)
            throw new ArgumentException($"dataset '{name}': inputs must be (N, D) or (N, C, H, W), got ({string.Join(", ", inputs.shape)})");
        if (inputs.dtype != ScalarType.Float32)
            throw new ArgumentException($"dataset '{name}': inputs must be float32, got {inputs.dtype}");
        if (labels is not null)
        {
            if (labels.dim() != 1 || labels.shape[0] != inputs.shape[0])
                throw new ArgumentException($"dataset '{name}': labels must be ({inputs.shape[0]}), got ({string.Join(", ", labels.shape)})");
            if (labels.dtype != ScalarType.Int64) labels = labels.to_type(ScalarType.Int64);
            if (labels.numel() > 0)
            {
                long min = labels.min().item<long>(), max = labels.max().item<long>();
                if (min < 0 || max >= classNames.Count)
                    throw new ArgumentException($"dataset '{name}': labels span {min}..{max} but there are {classNames.Count} class names");
            }
        }
        Name = name;
        Inputs = inputs.DetachFromDisposeScope();
        Labels = labels?.DetachFromDisposeScope();
        ClassNames = classNames.ToArray();
        Provenance = provenance;
    }

    /// <summary>Short name, e.g. <c>mnist</c> or <c>mnist:0-4</c>.</summary>
    public string Name { get; }
    /// <summary>Images <c>(N, C, H, W)</c> or features <c>(N, D)</c>, float32.</summary>
    public Tensor Inputs { get; }
    /// <summary>Class indices <c>(N)</c>, int64; null for an unlabelled set.</summary>
    public Tensor? Labels { get; }
    /// <summary>Names of the classes, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Where the data came from and what was done to it.</summary>
    public string Provenance { get; }

    /// <summary>Number of examples.</summary>
    public int Count => (int)Inputs.shape[0];
    /// <summary>Number of classes (the length of <see cref="ClassNames"/>).</summary>
    public int ClassCount => ClassNames.Count;
    /// <summary>True when labels are present.</summary>
    public bool HasLabels => Labels is not null;
    /// <summary>True for <c>(N, C, H, W)</c> images.</summary>
    public bool IsImage => Inputs.dim() == 4;
    /// <summary>Shape of one example: <c>[C, H, W]</c> or <c>[D]</c>.</summary>
    public long[] ExampleShape => Inputs.shape[1..];

    /// <summary>Labels as a managed array (empty when unlabelled).</summary>
    public long[] LabelArray() => Labels is null ? [] : Training.Devices.ToArrayOnCpu<long>(Labels);

    /// <summary>Examples per class, indexed by label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (var y in LabelArray()) counts[y]++;
        return counts;
    }

    /// <summary>The examples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<long> indices, string? name = null, string? note = null)
    {
        using var scope = NewDisposeScope();
        var idx = tensor(indices.ToArray(), ScalarType.Int64, device: Inputs.device);
        return new Dataset(name ?? Name, Inputs.index_select(0, idx), Labels?.index_select(0, idx), ClassNames,
            note is null ? Provenance : $"{Provenance}; {note}");
    }

    /// <summary>Same examples, no labels (class names kept for reference).</summary>
    public Dataset WithoutLabels() =>
        new(Name, Inputs.alias(), null, ClassNames, $"{Provenance}; labels dropped");

    /// <summary>Same inputs with the given labels (one per example, each in 0..classNames.Count-1), e.g. cluster assignments.</summary>
    /// <exception cref="ArgumentException">Wrong number of labels, or a label outside the class range.</exception>
    public Dataset WithLabelValues(IReadOnlyList<long> labels, IReadOnlyList<string> classNames, string note)
    {
        if (labels.Count != Count) throw new ArgumentException($"dataset '{Name}': {labels.Count} labels for {Count} examples");
        if (labels.Any(l => l < 0 || l >= classNames.Count))
            throw new ArgumentException($"dataset '{Name}': labels must lie in 0..{classNames.Count - 1}");
        return WithLabels(tensor(labels.ToArray(), ScalarType.Int64, device: Inputs.device), classNames, note);
    }

    /// <summary>Same inputs with new labels.</summary>
    internal Dataset WithLabels(Tensor labels, IReadOnlyList<string> classNames, string note) =>
        new(Name, Inputs.alias(), labels, classNames, $"{Provenance}; {note}");

    /// <summary>Same labels with transformed inputs.</summary>
    internal Dataset WithInputs(Tensor inputs, string note) =>
        new(Name, inputs, Labels?.alias(), ClassNames, $"{Provenance}; {note}");

    /// <summary>Keeps only the given classes and relabels them 0..k-1 in the order given; names are kept.</summary>
    public Dataset SelectClasses(IReadOnlyList<int> classes)
    {
        var labels = RequireLabels(nameof(SelectClasses));
        if (classes.Count == 0) throw new ArgumentException($"dataset '{Name}': no classes selected");
        var map = Enumerable.Repeat(-1L, ClassCount).ToArray();
        for (int i = 0; i < classes.Count; i++)
        {
            int c = classes[i];
            if (c < 0 || c >= ClassCount) throw new ArgumentException($"dataset '{Name}': class {c} does not exist (0..{ClassCount - 1})");
            if (map[c] >= 0) throw new ArgumentException($"dataset '{Name}': class {ClassNames[c]} selected twice");
            map[c] = i;
        }
        var y = LabelArray();
        var keep = new List<long>();
        var newLabels = new List<long>();
        for (long i = 0; i < y.Length; i++)
            if (map[y[i]] >= 0) { keep.Add(i); newLabels.Add(map[y[i]]); }
        using var scope = NewDisposeScope();
        var idx = tensor(keep.ToArray(), ScalarType.Int64, device: Inputs.device);
        var names = classes.Select(c => ClassNames[c]).ToArray();
        return new Dataset($"{Name}:{string.Join(',', names)}", Inputs.index_select(0, idx),
            tensor(newLabels.ToArray(), ScalarType.Int64, device: Inputs.device), names,
            $"{Provenance}; classes {string.Join(',', names)} relabelled 0..{names.Length - 1}");
    }

    /// <summary>Keeps only the named classes (relabelled in the order given).</summary>
    public Dataset SelectClasses(IReadOnlyList<string> names) =>
        SelectClasses(names.Select(n =>
        {
            int i = ClassNames.ToList().FindIndex(c => string.Equals(c, n, StringComparison.OrdinalIgnoreCase));
            return i >= 0 ? i : throw new ArgumentException($"dataset '{Name}': no class named '{n}' (classes: {string.Join(", ", ClassNames)})");
        }).ToArray());

    /// <summary>
    /// Splits every class in the same proportion: about <paramref name="testFraction"/> of each class goes to
    /// the second set. Seeded, so the same seed gives the same split.
    /// </summary>
    public (Dataset Train, Dataset Test) StratifiedSplit(double testFraction, int seed)
    {
        var (train, test) = Splits.Stratified(IndicesByClass(), testFraction, seed);
        return (Subset(train, note: $"stratified split seed {seed}: train {1 - testFraction:0.##}"),
                Subset(test, note: $"stratified split seed {seed}: test {testFraction:0.##}"));
    }

    /// <summary>
    /// Fold <paramref name="fold"/> of stratified <paramref name="folds"/>-fold cross-validation (seeded): the held-out
    /// part holds about 1/<paramref name="folds"/> of every class, the training part the rest. Every example is held out
    /// in exactly one fold of the same seed.
    /// </summary>
    public (Dataset Train, Dataset Held) StratifiedFold(int folds, int fold, int seed)
    {
        RequireLabels(nameof(StratifiedFold));
        var (train, held) = Splits.StratifiedFold(IndicesByClass(), folds, fold, seed);
        return (Subset(train, note: $"fold {fold + 1} of {folds}, seed {seed}: training part"),
                Subset(held, note: $"fold {fold + 1} of {folds}, seed {seed}: held out"));
    }

    /// <summary>
    /// Splits at random, ignoring any labels: about <paramref name="testFraction"/> of the examples (at least one,
    /// never all when there are two or more) go to the second set. Works on unlabelled sets; seeded, so the same seed
    /// gives the same split. Both parts keep the stored order.
    /// </summary>
    public (Dataset Train, Dataset Test) RandomSplit(double testFraction, int seed)
    {
        IReadOnlyList<long> all = Enumerable.Range(0, Count).Select(i => (long)i).ToArray();
        var (train, test) = Splits.Stratified([all], testFraction, seed);
        return (Subset(train, note: $"random split seed {seed}: train {1 - testFraction:0.##}"),
                Subset(test, note: $"random split seed {seed}: test {testFraction:0.##}"));
    }

    /// <summary>Exactly <paramref name="k"/> random examples of every class (seeded); fails if a class has fewer.</summary>
    public Dataset TakePerClass(int k, int seed)
    {
        if (k <= 0) throw new ArgumentOutOfRangeException(nameof(k), k, "must be positive");
        var rng = new Random(seed);
        var chosen = new List<long>();
        var groups = IndicesByClass();
        for (int c = 0; c < groups.Count; c++)
        {
            if (groups[c].Count < k)
                throw new ArgumentException($"dataset '{Name}': class '{ClassNames[c]}' has {groups[c].Count} examples, fewer than {k}");
            var shuffled = groups[c].ToArray();
            rng.Shuffle(shuffled);
            chosen.AddRange(shuffled[..k]);
        }
        chosen.Sort();
        return Subset(chosen, note: $"{k} per class, seed {seed}");
    }

    /// <summary>Joins datasets with the same example shape and class names, in order.</summary>
    public static Dataset Concatenate(string name, params Dataset[] parts)
    {
        if (parts.Length == 0) throw new ArgumentException("nothing to concatenate");
        var first = parts[0];
        foreach (var p in parts.Skip(1))
        {
            if (!p.ExampleShape.SequenceEqual(first.ExampleShape))
                throw new ArgumentException($"cannot concatenate '{p.Name}' ({string.Join('x', p.ExampleShape)}) with '{first.Name}' ({string.Join('x', first.ExampleShape)})");
            if (p.HasLabels != first.HasLabels)
                throw new ArgumentException($"cannot concatenate labelled and unlabelled sets ('{first.Name}', '{p.Name}')");
            if (p.HasLabels && !p.ClassNames.SequenceEqual(first.ClassNames))
                throw new ArgumentException($"cannot concatenate '{p.Name}' and '{first.Name}': their class names differ");
        }
        using var scope = NewDisposeScope();
        var x = cat(parts.Select(p => p.Inputs).ToArray(), 0);
        var y = first.HasLabels ? cat(parts.Select(p => p.Labels!).ToArray(), 0) : null;
        return new Dataset(name, x, y, first.ClassNames, string.Join(" + ", parts.Select(p => $"({p.Provenance})")));
    }

    /// <inheritdoc />
    /// <remarks>Cuts the batches with <see cref="Data.Batches.Of"/> and a torch generator seeded with <paramref name="seed"/>.</remarks>
    IEnumerable<Batch> IBatchSource.Batches(int batchSize, bool shuffle, ulong seed)
    {
        using var generator = shuffle ? new Generator(seed) : null;
        foreach (var batch in Data.Batches.Of(this, batchSize, shuffle, generator)) yield return batch;
    }

    internal List<List<long>> IndicesByClass()
    {
        RequireLabels("a per-class operation");
        var groups = Enumerable.Range(0, ClassCount).Select(_ => new List<long>()).ToList();
        var y = LabelArray();
        for (long i = 0; i < y.Length; i++) groups[(int)y[i]].Add(i);
        return groups;
    }

    private Tensor RequireLabels(string operation) =>
        Labels ?? throw new InvalidOperationException($"dataset '{Name}' has no labels, which {operation} needs");

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {Count} x {string.Join('x', ExampleShape)}, {(HasLabels ? $"{ClassCount} classes" : "unlabelled")}";

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Labels?.Dispose();
    }
}
