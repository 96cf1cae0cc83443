namespace TransferSharp.Data;

/// <summary>
/// Derived label sets over the same inputs: a map from a dataset's classes to coarser groups, e.g. digit parity or
/// Fashion-MNIST's footwear / clothing / bag. Several label sets over one set of images make related tasks for
/// multitask learning.
/// </summary>
public static class LabelMaps
{
    /// <summary>The named maps <see cref="Named"/> knows.</summary>
    public static readonly IReadOnlyList<string> Names = ["parity", "coarse"];

    private static readonly string[] Footwear = ["Sandal", "Sneaker", "Ankle boot"];
    private static readonly string[] FashionClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Relabels every example: class <c>c</c> becomes <c>map[c]</c>, an index into <paramref name="names"/>.
    /// Groups no example falls into are dropped (and the rest renumbered in order), so every class has examples.
    /// </summary>
    /// <exception cref="ArgumentException">The map does not cover every class, points outside the names, or leaves one class.</exception>
    public static Dataset Relabel(this Dataset data, IReadOnlyList<int> map, IReadOnlyList<string> names, string label)
    {
        if (!data.HasLabels) throw new ArgumentException($"dataset '{data.Name}' has no labels to map");
        if (map.Count != data.ClassCount)
            throw new ArgumentException($"dataset '{data.Name}': label map '{label}' covers {map.Count} classes, the dataset has {data.ClassCount}");
        if (map.Any(g => g < 0 || g >= names.Count))
            throw new ArgumentException($"label map '{label}' points outside its {names.Count} groups");
        var used = map.Distinct().Order().ToArray();
        if (used.Length < 2)
            throw new ArgumentException($"dataset '{data.Name}': label map '{label}' puts every class into '{names[used[0]]}', leaving nothing to learn");
        var renumber = new int[names.Count];
        for (int i = 0; i < used.Length; i++) renumber[used[i]] = i;
        var y = data.LabelArray().Select(c => (long)renumber[map[(int)c]]).ToArray();
        using var scope = NewDisposeScope();
        return data.WithLabels(tensor(y, ScalarType.Int64), used.Select(g => names[g]).ToArray(), $"labels mapped by {label}");
    }

    /// <summary>
    /// A named map: <c>parity</c> (digit classes named 0..9 become even / odd) or <c>coarse</c> (Fashion-MNIST classes
    /// become clothing / footwear / bag).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name, or classes the map does not know.</exception>
    public static Dataset Named(this Dataset data, string name)
    {
        switch (name)
        {
            case "parity":
                var digits = data.ClassNames.Select(n => int.TryParse(n, out int d) && d is >= 0 and <= 9 ? d : -1).ToArray();
                if (digits.Any(d => d < 0))
                    throw new ArgumentException($"dataset '{data.Name}': labels=parity needs digit classes named 0..9, got {string.Join(", ", data.ClassNames)}");
                return data.Relabel(digits.Select(d => d % 2).ToArray(), ["even", "odd"], "parity");
            case "coarse":
                var unknown = data.ClassNames.Where(n => !FashionClasses.Contains(n)).ToArray();
                if (unknown.Length > 0)
                    throw new ArgumentException($"dataset '{data.Name}': labels=coarse needs Fashion-MNIST classes, got {string.Join(", ", unknown)}");
                return data.Relabel(data.ClassNames.Select(n => Footwear.Contains(n) ? 1 : n == "Bag" ? 2 : 0).ToArray(),
                    ["clothing", "footwear", "bag"], "coarse");
            default:
                throw new ArgumentException($"label map '{name}' is unknown (choose {string.Join(", ", Names)})");
        }
    }
}
