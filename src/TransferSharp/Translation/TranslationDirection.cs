namespace TransferSharp.Translation;

/// <summary>A translation direction: from <see cref="Source"/> to <see cref="Target"/> (language codes).</summary>
public readonly record struct TranslationDirection(string Source, string Target)
{
    /// <summary><c>en-fr</c>.</summary>
    public override string ToString() => $"{Source}-{Target}";

    /// <summary>Parses <c>en-fr,fr-en</c> (a language code holds no '-' here: write <c>pt</c>, not <c>pt-BR</c>).</summary>
    /// <exception cref="ArgumentException">A malformed item, a direction from a language to itself, or one given twice.</exception>
    public static IReadOnlyList<TranslationDirection> ParseList(string text)
    {
        var list = new List<TranslationDirection>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('-');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new ArgumentException($"'{item}' is not a direction: write source-target, e.g. en-fr");
            var d = new TranslationDirection(parts[0], parts[1]);
            if (d.Source == d.Target) throw new ArgumentException($"'{item}' translates a language into itself");
            if (list.Contains(d)) throw new ArgumentException($"direction {d} is given twice");
            list.Add(d);
        }
        if (list.Count == 0) throw new ArgumentException($"'{text}' lists no direction");
        return list;
    }
}
