using TransferSharp.Translation;

namespace TransferSharp.Reporting;

/// <summary>The pictures of a translation report, for the command and the tour alike.</summary>
public static class TranslationFigures
{
    /// <summary>
    /// The "sequence language" figure: t-SNE of the encoder states of the same test numbers in up to four languages,
    /// coloured by language (left) and by meaning (right). A sparse test part (pair files) uses the rows known in all the
    /// chosen languages, dropping the language with the fewest sentences until at least two rows are; false (and no
    /// file) when not even two languages share two rows.
    /// </summary>
    public static bool SaveSequenceLanguage(string path, Translator translator, ParallelCorpus test, string token)
    {
        var languages = test.Languages.Take(4).ToList();
        while (languages.Count > 2 && test.RowsWith(languages).Count < 2)
            languages.Remove(languages.MinBy(l => test.Sentences(l).Count)!);
        var rows = test.RowsWith(languages);
        if (rows.Count < 2) return false;
        var shared = test.IsSparse ? test.Subset(rows, test.Source) : test;
        var points = SequenceLanguageMap.Compute(translator, shared, languages, token);
        int meanings = points.Max(p => p.Meaning) + 1;
        var names = Enumerable.Range(0, meanings).Select(r => shared.Text(r, languages[0])).ToArray();
        EmbeddingPlot.Save(path, points.Select(p => new EmbeddedPoint(p.X, p.Y, p.Meaning, p.Language)).ToArray(), names, languages,
            $"encoder states (t-SNE) of {meanings} test numbers in {string.Join(", ", languages)}");
        return true;
    }
}
