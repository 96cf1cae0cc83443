namespace TransferSharp.Translation;

/// <summary>
/// A multi-parallel corpus: one row per meaning, one sentence per language (the same number written out in English,
/// French and German, say). Directions are pairs of its languages. Rows may be sparse (a null sentence: the meaning is
/// known in only some languages), as rows read from plain pair files are (<see cref="PairFiles"/>); a direction's
/// pairs are then the rows that have both of its languages.
/// </summary>
public sealed class ParallelCorpus
{
    private readonly string?[][] rows;
    private readonly Dictionary<string, int> column;

    /// <summary>A corpus of <paramref name="rows"/>, each holding one sentence per language of <paramref name="languages"/>, in that order.</summary>
    /// <remarks>A null sentence means the row has no sentence in that language; every row needs at least one sentence.</remarks>
    /// <exception cref="ArgumentException">No language, a duplicate language, a row of the wrong width, or an empty row.</exception>
    public ParallelCorpus(IReadOnlyList<string> languages, IEnumerable<string?[]> rows, string source)
    {
        if (languages.Count == 0) throw new ArgumentException("a parallel corpus needs at least one language");
        column = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < languages.Count; i++)
            if (!column.TryAdd(languages[i], i)) throw new ArgumentException($"language '{languages[i]}' appears twice");
        this.rows = rows.ToArray();
        for (int r = 0; r < this.rows.Length; r++)
            if (this.rows[r].Length != languages.Count)
                throw new ArgumentException($"row {r} has {this.rows[r].Length} sentences for {languages.Count} languages");
            else if (this.rows[r].All(x => x is null)) throw new ArgumentException($"row {r} has no sentence in any language");
        IsSparse = this.rows.Any(row => row.Any(x => x is null));
        Languages = languages.ToArray();
        Source = source;
    }

    /// <summary>Language codes (e.g. <c>en</c>, <c>fr</c>), in column order.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>Where the corpus came from (e.g. <c>numbers (Humanizer 3.0.10), seed 0</c> or a file path).</summary>
    public string Source { get; }

    /// <summary>Rows (meanings).</summary>
    public int Count => rows.Length;

    /// <summary>Whether some row lacks a sentence in some language.</summary>
    public bool IsSparse { get; }

    /// <summary>Whether the corpus has <paramref name="language"/>.</summary>
    public bool Has(string language) => column.ContainsKey(language);

    /// <summary>Whether row <paramref name="row"/> has a sentence in <paramref name="language"/>.</summary>
    public bool Has(int row, string language) => column.TryGetValue(language, out int c) && rows[row][c] is not null;

    /// <summary>The sentence of row <paramref name="row"/> in <paramref name="language"/>.</summary>
    /// <exception cref="ArgumentException">The corpus lacks the language, or this (sparse) row has no sentence in it.</exception>
    public string Text(int row, string language) =>
        column.TryGetValue(language, out int c)
            ? rows[row][c] ?? throw new ArgumentException($"{Source}: row {row + 1} has no {language} sentence")
            : throw new ArgumentException($"the corpus has no language '{language}' (it has {string.Join(", ", Languages)})");

    /// <summary>The sentences of <paramref name="language"/>, row order (rows without one are left out).</summary>
    public IReadOnlyList<string> Sentences(string language) => Enumerable.Range(0, Count).Where(r => Has(r, language)).Select(r => Text(r, language)).ToArray();

    /// <summary>The rows that have a sentence in each of <paramref name="languages"/> (every row of a dense corpus).</summary>
    public IReadOnlyList<int> RowsWith(params IReadOnlyList<string> languages) =>
        Enumerable.Range(0, Count).Where(r => languages.All(l => Has(r, l))).ToArray();

    /// <summary>The pairs of direction <paramref name="d"/>: source and target sentences of the rows that have both, row order.</summary>
    public (IReadOnlyList<string> Sources, IReadOnlyList<string> Targets) Pairs(TranslationDirection d)
    {
        var rowsWith = RowsWith(d.Source, d.Target);
        return (rowsWith.Select(r => Text(r, d.Source)).ToArray(), rowsWith.Select(r => Text(r, d.Target)).ToArray());
    }

    /// <summary>Every sentence of every language (for building a vocabulary).</summary>
    public IEnumerable<string> AllSentences() => rows.SelectMany(r => r).OfType<string>();

    /// <summary>The rows <paramref name="indices"/> as a new corpus.</summary>
    public ParallelCorpus Subset(IEnumerable<int> indices, string source) => new(Languages, indices.Select(i => rows[i]), source);

    /// <summary>This corpus's rows followed by <paramref name="more"/>'s (whose languages must be among this one's), as a new corpus.</summary>
    /// <exception cref="ArgumentException"><paramref name="more"/> has a language this corpus lacks.</exception>
    public ParallelCorpus Concat(ParallelCorpus more, string source)
    {
        foreach (var l in more.Languages.Where(l => !Has(l)))
            throw new ArgumentException($"{more.Source}: language '{l}' is not in {Source} (it has {string.Join(", ", Languages)})");
        var extra = Enumerable.Range(0, more.Count).Select(r => Languages.Select(l => more.Has(r, l) ? more.Text(r, l) : null).ToArray());
        return new(Languages, rows.Concat(extra), source);
    }

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
