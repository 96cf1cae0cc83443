using TransferSharp.Data;

namespace TransferSharp.FineTuning;

/// <summary>A split of a dataset's classes into two disjoint halves, A and B, for the transferability experiment.</summary>
/// <param name="A">Class names of half A (the other task).</param>
/// <param name="B">Class names of half B (the task every network is measured on).</param>
/// <param name="Description">How the split was made.</param>
public sealed record ClassSplit(IReadOnlyList<string> A, IReadOnlyList<string> B, string Description)
{
    /// <summary>A seeded random halving of <paramref name="classes"/> (A gets the smaller half when the count is odd).</summary>
    public static ClassSplit Random(IReadOnlyList<string> classes, int seed)
    {
        if (classes.Count < 4) throw new ArgumentException($"a class split needs at least 4 classes (2 per half), got {classes.Count}");
        var shuffled = classes.ToArray();
        new Random(seed).Shuffle(shuffled);
        int a = classes.Count / 2;
        return new ClassSplit(Ordered(shuffled[..a], classes), Ordered(shuffled[a..], classes), $"random halves (seed {seed})");
    }

    /// <summary>
    /// A split of semantically distant halves, where one is known: for Fashion-MNIST, footwear and bags (A) against
    /// clothing (B), after Yosinski et al.'s man-made/natural split of ImageNet.
    /// </summary>
    public static ClassSplit Dissimilar(Dataset data)
    {
        string[] other = ["Sandal", "Sneaker", "Bag", "Ankle boot"];
        if (other.All(c => data.ClassNames.Contains(c)) && data.ClassCount == 10)
            return new ClassSplit(other.Where(data.ClassNames.Contains).ToArray(), data.ClassNames.Except(other).ToArray(),
                "dissimilar: footwear and bags (A) vs clothing (B)");
        throw new ArgumentException($"no dissimilar split is known for '{data.Name}'; give one as a file (first line: A's classes, second line: B's, comma-separated)");
    }

    /// <summary>Reads a split file: two non-empty lines of comma-separated class names, A then B (optionally prefixed <c>A:</c>, <c>B:</c>).</summary>
    public static ClassSplit FromFile(string path, IReadOnlyList<string> classes)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: split file not found", path);
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        if (lines.Length != 2) throw new InvalidDataException($"{path}: expected two lines (A's classes, then B's), found {lines.Length}");
        string[] Parse(string line, string half)
        {
            if (line.StartsWith(half + ":", StringComparison.OrdinalIgnoreCase)) line = line[(half.Length + 1)..];
            var names = line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var n in names)
                if (!classes.Contains(n)) throw new InvalidDataException($"{path}: half {half} names '{n}', which is not a class ({string.Join(", ", classes)})");
            if (names.Length < 2) throw new InvalidDataException($"{path}: half {half} needs at least 2 classes, got {names.Length}");
            return names;
        }
        var (a, b) = (Parse(lines[0], "A"), Parse(lines[1], "B"));
        if (a.Intersect(b).FirstOrDefault() is { } both) throw new InvalidDataException($"{path}: class '{both}' is in both halves");
        return new ClassSplit(a, b, $"from {Path.GetFileName(path)}");
    }

    private static string[] Ordered(IEnumerable<string> chosen, IReadOnlyList<string> classes) => classes.Where(chosen.Contains).ToArray();
}
