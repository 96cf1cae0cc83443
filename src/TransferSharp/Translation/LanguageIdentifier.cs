namespace TransferSharp.Translation;

/// <summary>
/// Which language a sentence is in, from per-language character-trigram counts of a corpus (Cavnar &amp; Trenkle
/// 1994, scored as naive Bayes with add-one smoothing): what the wrong-language rate of zero-shot output is measured
/// with (Johnson et al.'s models often answer in a language they were trained to produce, not the one asked for).
/// </summary>
public sealed class LanguageIdentifier
{
    private readonly string[] languages;
    private readonly Dictionary<string, int>[] counts;
    private readonly long[] totals;
    private readonly int vocabulary;

    /// <summary>Learns each language of <paramref name="corpus"/> from its sentences.</summary>
    public LanguageIdentifier(ParallelCorpus corpus)
    {
        languages = corpus.Languages.ToArray();
        counts = languages.Select(l =>
        {
            var c = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var s in corpus.Sentences(l))
                foreach (var g in Trigrams(s)) c[g] = c.GetValueOrDefault(g) + 1;
            return c;
        }).ToArray();
        totals = counts.Select(c => (long)c.Values.Sum()).ToArray();
        vocabulary = counts.SelectMany(c => c.Keys).Distinct().Count() + 1;
    }

    /// <summary>The most likely language of <paramref name="sentence"/>; null for an empty one.</summary>
    public string? Identify(string sentence)
    {
        var grams = Trigrams(sentence).ToArray();
        if (sentence.Trim().Length == 0) return null;
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int l = 0; l < languages.Length; l++)
        {
            double score = grams.Sum(g => Math.Log((counts[l].GetValueOrDefault(g) + 1.0) / (totals[l] + vocabulary)));
            if (score > bestScore) (best, bestScore) = (l, score);
        }
        return languages[best];
    }

    /// <summary>Fraction of <paramref name="outputs"/> not identified as <paramref name="language"/> (an empty output counts as wrong).</summary>
    public double WrongLanguageRate(IReadOnlyList<string> outputs, string language) =>
        outputs.Count == 0 ? double.NaN : outputs.Count(o => Identify(o) != language) / (double)outputs.Count;

    /// <summary>Character trigrams of " sentence " (the spaces mark word edges), by Unicode scalar value.</summary>
    private static IEnumerable<string> Trigrams(string sentence)
    {
        var runes = (" " + sentence.Trim() + " ").EnumerateRunes().Select(r => r.ToString()).ToArray();
        for (int i = 0; i + 3 <= runes.Length; i++) yield return string.Concat(runes[i], runes[i + 1], runes[i + 2]);
    }
}
