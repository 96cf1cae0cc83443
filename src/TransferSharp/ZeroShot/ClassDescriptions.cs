namespace TransferSharp.ZeroShot;

/// <summary>What a class description is made of.</summary>
public enum DescriptionKind
{
    /// <summary>An attribute table: one named column per attribute, binary or continuous.</summary>
    Attributes,
    /// <summary>Word vectors (GloVe or word2vec text format), averaged over the words of a class name.</summary>
    WordVectors,
    /// <summary>Class names embedded by the <see cref="TextEncoder"/> (all-MiniLM-L6-v2).</summary>
    Names,
    /// <summary>Sentences about each class embedded by the <see cref="TextEncoder"/>, averaged per class.</summary>
    Sentences,
}

/// <summary>
/// One vector per class that says what the class is without showing it: an attribute row ("has sleeves: 1") or a
/// word embedding. Zero-shot methods recognise a class from its description alone.
/// </summary>
/// <remarks>
/// Class names match case-insensitively. <see cref="For"/> reorders the descriptions to a dataset's class order and
/// rejects a class without one; <see cref="RequireDistinct"/> rejects two classes with the same vector, which an
/// attribute-based method could never tell apart (Lampert et al. 2009: every class must be a unique combination).
/// </remarks>
public sealed class ClassDescriptions
{
    private readonly float[][] vectors;

    /// <summary>Creates descriptions; every vector must have one value per dimension name, all finite.</summary>
    public ClassDescriptions(string source, DescriptionKind kind, IReadOnlyList<string> classNames,
        IReadOnlyList<string> dimensions, IReadOnlyList<IReadOnlyList<float>> vectors)
    {
        if (classNames.Count == 0) throw new ArgumentException($"{source}: no classes are described");
        if (dimensions.Count == 0) throw new ArgumentException($"{source}: descriptions have no dimensions");
        if (vectors.Count != classNames.Count)
            throw new ArgumentException($"{source}: {classNames.Count} class names but {vectors.Count} vectors");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < classNames.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(classNames[i])) throw new ArgumentException($"{source}: class {i} has an empty name");
            if (!seen.Add(classNames[i].Trim())) throw new ArgumentException($"{source}: class '{classNames[i]}' is described twice");
            if (vectors[i].Count != dimensions.Count)
                throw new ArgumentException($"{source}: class '{classNames[i]}' has {vectors[i].Count} values, expected {dimensions.Count}");
            if (vectors[i].Any(v => !float.IsFinite(v)))
                throw new ArgumentException($"{source}: class '{classNames[i]}' has a value that is not a finite number");
        }
        Source = source;
        Kind = kind;
        ClassNames = classNames.Select(n => n.Trim()).ToArray();
        Dimensions = dimensions.ToArray();
        this.vectors = vectors.Select(v => v.ToArray()).ToArray();
    }

    /// <summary>Where the descriptions came from (a file, or <c>builtin:NAME</c>).</summary>
    public string Source { get; }
    /// <summary>Attributes or word vectors.</summary>
    public DescriptionKind Kind { get; }
    /// <summary>The described classes, in row order.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Attribute names, or <c>d0, d1, ...</c> for word vectors.</summary>
    public IReadOnlyList<string> Dimensions { get; }
    /// <summary>Number of classes.</summary>
    public int Count => ClassNames.Count;
    /// <summary>Length of each vector.</summary>
    public int Dimension => Dimensions.Count;

    /// <summary>The vector of row <paramref name="row"/>.</summary>
    public IReadOnlyList<float> this[int row] => vectors[row];

    /// <summary>The vector of the class named <paramref name="className"/> (case-insensitive).</summary>
    public IReadOnlyList<float> VectorOf(string className)
    {
        int i = IndexOf(className);
        return i >= 0 ? vectors[i] : throw new KeyNotFoundException($"{Source}: no description for class '{className}'");
    }

    /// <summary>Row of <paramref name="className"/>, or -1.</summary>
    public int IndexOf(string className)
    {
        for (int i = 0; i < ClassNames.Count; i++)
            if (string.Equals(ClassNames[i], className.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>
    /// The descriptions of <paramref name="classNames"/>, in that order (extra described classes are dropped).
    /// </summary>
    /// <exception cref="InvalidDataException">Some class has no description; the message lists every one.</exception>
    public ClassDescriptions For(IReadOnlyList<string> classNames)
    {
        var missing = classNames.Where(n => IndexOf(n) < 0).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException(
                $"{Source}: no description for class{(missing.Length > 1 ? "es" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}; " +
                $"every class needs one (described: {string.Join(", ", ClassNames)})");
        return new ClassDescriptions(Source, Kind, classNames, Dimensions, classNames.Select(n => (IReadOnlyList<float>)vectors[IndexOf(n)]).ToArray());
    }

    /// <summary>The rows <paramref name="rows"/>, in that order.</summary>
    public ClassDescriptions Rows(IReadOnlyList<int> rows) =>
        new(Source, Kind, rows.Select(r => ClassNames[r]).ToArray(), Dimensions, rows.Select(r => (IReadOnlyList<float>)vectors[r]).ToArray());

    /// <summary>Groups of classes (two or more) that share exactly the same vector; empty when all are distinct.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Collisions() =>
        Enumerable.Range(0, Count)
            .GroupBy(i => string.Join(',', vectors[i].Select(v => BitConverter.SingleToInt32Bits(v == 0 ? 0f : v))))
            .Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<string>)g.Select(i => ClassNames[i]).ToArray())
            .ToArray();

    /// <summary>Throws when two classes share a vector, naming them and the shared vector.</summary>
    /// <exception cref="InvalidDataException">A collision; the message lists every group.</exception>
    public void RequireDistinct()
    {
        var groups = Collisions();
        if (groups.Count == 0) return;
        var described = groups.Select(g => $"{string.Join(" = ", g.Select(n => $"'{n}'"))} ({Describe(VectorOf(g[0]))})");
        throw new InvalidDataException(
            $"{Source}: classes with identical descriptions cannot be told apart: {string.Join("; ", described)}; give each class a unique combination");
    }

    /// <summary>The vectors as a float32 tensor <c>(K, D)</c> on <paramref name="device"/> (null = the CPU).</summary>
    public Tensor ToTensor(Device? device = null)
    {
        var flat = vectors.SelectMany(v => v).ToArray();
        return tensor(flat, [Count, Dimension], device: device ?? CPU);
    }

    private string Describe(IReadOnlyList<float> v)
    {
        if (Kind == DescriptionKind.Attributes && v.All(x => x is 0 or 1))
        {
            var on = Dimensions.Where((_, i) => v[i] == 1).ToArray();
            return on.Length == 0 ? "no attribute" : string.Join(", ", on);
        }
        var shown = string.Join(", ", v.Take(6).Select(x => x.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)));
        return v.Count > 6 ? $"[{shown}, ...]" : $"[{shown}]";
    }

    /// <inheritdoc />
    public override string ToString() => $"{Source}: {Count} classes x {Dimension} {Kind switch
    {
        DescriptionKind.Attributes => "attributes",
        DescriptionKind.WordVectors => "word-vector dimensions",
        _ => $"{TextEncoder.ModelName} dimensions",
    }}";
}
