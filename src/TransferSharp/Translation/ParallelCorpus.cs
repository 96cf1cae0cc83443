namespace TransferSharp.Translation;

/// <summary>
/// A multi-parallel corpus: one row per meaning, one sentence per language in every row (the same number written out
/// in English, French and German, say). Directions are pairs of its languages.
/// </summary>
public sealed class ParallelCorpus
{
    private readonly string[][] rows;
    private readonly Dictionary<string, int> column;

    /// <summary>A corpus of <paramref name="rows"/>, each holding one sentence per language of <paramref name="languages"/>, in that order.</summary>
    /// <exception cref="ArgumentException">No language, a duplicate language, or a row of the wrong width.</exception>
    public ParallelCorpus(IReadOnlyList<string> languages, IEnumerable<string[]> rows, string source)
    {
        if (languages.Count == 0) throw new ArgumentException("a parallel corpus needs at least one language");
        column = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < languages.Count; i++)
            if (!column.TryAdd(languages[i], i)) throw new ArgumentException($"language '{languages[i]}' appears twice");
        this.rows = rows.ToArray();
        for (int r = 0; r < this.rows.Length; r++)
            if (this.rows[r].Length != languages.Count)
                throw new ArgumentException($"row {r} has {this.rows[r].Length} sentences for {languages.Count} languages");
        Languages = languages.ToArray();
        Source = source;
    }

    /// <summary>Language codes (e.g. <c>en</c>, <c>fr</c>), in column order.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>Where the corpus came from (e.g. <c>numbers (Humanizer 3.0.10), seed 0</c> or a file path).</summary>
    public string Source { get; }

    /// <summary>Rows (meanings).</summary>
    public int Count => rows.Length;

    /// <summary>Whether the corpus has <paramref name="language"/>.</summary>
    public bool Has(string language) => column.ContainsKey(language);

    /// <summary>The sentence of row <paramref name="row"/> in <paramref name="language"/>.</summary>
    public string Text(int row, string language) =>
        column.TryGetValue(language, out int c) ? rows[row][c] : throw new ArgumentException($"the corpus has no language '{language}' (it has {string.Join(", ", Languages)})");

    /// <summary>All sentences of <paramref name="language"/>, row order.</summary>
    public IReadOnlyList<string> Sentences(string language) => Enumerable.Range(0, Count).Select(r => Text(r, language)).ToArray();

    /// <summary>Every sentence of every language (for building a vocabulary).</summary>
    public IEnumerable<string> AllSentences() => rows.SelectMany(r => r);

    /// <summary>The rows <paramref name="indices"/> as a new corpus.</summary>
    public ParallelCorpus Subset(IEnumerable<int> indices, string source) => new(Languages, indices.Select(i => rows[i]), source);

    /// <inheritdoc/>
    public override string ToString() => $"{Source}: {Count:N0} rows in {string.Join(", ", Languages)}";
}

/// <summary>The three disjoint parts of a corpus: training, validation (per-epoch checks), test (final numbers).</summary>
public sealed record CorpusSplits(ParallelCorpus Train, ParallelCorpus Validation, ParallelCorpus Test)
{
    /// <summary>Splits <paramref name="corpus"/> by rows, shuffled with <paramref name="seed"/>: <paramref name="validation"/> and <paramref name="test"/> rows, the rest for training.</summary>
    /// <exception cref="ArgumentException">Fewer rows than the parts need.</exception>
    public static CorpusSplits Of(ParallelCorpus corpus, int validation, int test, int seed)
    {
        if (validation < 1 || test < 1 || corpus.Count < validation + test + 1)
            throw new ArgumentException($"{corpus.Source}: {corpus.Count} rows cannot give {validation} validation rows, {test} test rows and at least one training row");
        var order = Enumerable.Range(0, corpus.Count).ToArray();
        new Random(seed).Shuffle(order);
        return new CorpusSplits(
            corpus.Subset(order.Skip(validation + test), corpus.Source + " (train)"),
            corpus.Subset(order.Take(validation), corpus.Source + " (validation)"),
            corpus.Subset(order.Skip(validation).Take(test), corpus.Source + " (test)"));
    }
}
