using TransferSharp.Translation;

namespace TransferSharp.Reporting;

/// <summary>The pictures of a translation report, for the command and the tour alike.</summary>
public static class TranslationFigures
{
    /// <summary>
    /// The "sequence language" figure: t-SNE of the encoder states of the same test numbers in up to four languages,
    /// coloured by language (left) and by meaning (right).
    /// </summary>
    public static void SaveSequenceLanguage(string path, Translator translator, ParallelCorpus test, string token)
    {
        var languages = test.Languages.Take(4).ToArray();
        var points = SequenceLanguageMap.Compute(translator, test, languages, token);
        int meanings = points.Max(p => p.Meaning) + 1;
        var names = Enumerable.Range(0, meanings).Select(r => test.Text(r, languages[0])).ToArray();
        EmbeddingPlot.Save(path, points.Select(p => new EmbeddedPoint(p.X, p.Y, p.Meaning, p.Language)).ToArray(), names, languages,
            $"encoder states (t-SNE) of {meanings} test numbers in {string.Join(", ", languages)}");
    }
}
