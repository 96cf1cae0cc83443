using TransferSharp.Evaluation;

namespace TransferSharp.Translation;

/// <summary>One sentence in the 2-D map of the encoder's space: coordinates, its row (meaning) and language index.</summary>
public sealed record SentencePoint(double X, double Y, int Meaning, int Language);

/// <summary>
/// The lecture's "sequence language" picture: the same test sentences in several languages, encoded (mean-pooled
/// encoder states, all with one target token) and mapped to 2-D with exact t-SNE. If the encoder is a shared
/// interlingua, translations cluster by meaning rather than by language.
/// </summary>
public static class SequenceLanguageMap
{
    /// <summary>Maps the first <paramref name="meanings"/> rows of <paramref name="test"/> in each of <paramref name="languages"/>.</summary>
    public static IReadOnlyList<SentencePoint> Compute(Translator translator, ParallelCorpus test, IReadOnlyList<string> languages, string token,
        int meanings = 12, int seed = 0)
    {
        int n = Math.Min(meanings, test.Count);
        if (n < 2) throw new ArgumentException($"the map needs at least two test rows, got {test.Count}");
        var rows = Enumerable.Range(0, n).ToArray();
        var states = languages.SelectMany(l => translator.EncoderStates(rows.Select(r => test.Text(r, l)).ToArray(), token)).ToArray();
        int d = states[0].Length;
        var x = new float[states.Length, d];
        for (int i = 0; i < states.Length; i++)
            for (int k = 0; k < d; k++) x[i, k] = (float)states[i][k];
        var map = Tsne.Embed(x, new TsneOptions { Perplexity = Math.Max(2, Math.Min(10, states.Length / 4.0)), Seed = seed });
        return Enumerable.Range(0, states.Length).Select(i => new SentencePoint(map[i, 0], map[i, 1], i % n, i / n)).ToArray();
    }
}
