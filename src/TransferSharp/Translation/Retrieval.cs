namespace TransferSharp.Translation;

/// <summary>Cross-language nearest-neighbour retrieval of mean-pooled encoder states (see <see cref="RetrievalScore"/>).</summary>
internal static class Retrieval
{
    /// <summary>
    /// Every sentence of every language is encoded with the same target token (<paramref name="token"/>), so only the
    /// source language and the meaning differ; for each ordered pair of languages, the fraction of sentences whose
    /// nearest neighbour in the other language is their translation.
    /// </summary>
    public static RetrievalScore Accuracy(Translator translator, ParallelCorpus test, string token)
    {
        var states = test.Languages.ToDictionary(l => l, l => Normalise(translator.EncoderStates(test.Sentences(l), token)));
        var perPair = new Dictionary<string, double>();
        foreach (var a in test.Languages)
            foreach (var b in test.Languages.Where(b => b != a))
            {
                var (x, y) = (states[a], states[b]);
                int hits = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    int best = 0;
                    double bestSim = double.NegativeInfinity;
                    for (int j = 0; j < y.Length; j++)
                    {
                        double sim = 0;
                        for (int k = 0; k < x[i].Length; k++) sim += x[i][k] * y[j][k];
                        if (sim > bestSim) (best, bestSim) = (j, sim);
                    }
                    if (best == i) hits++;
                }
                perPair[$"{a}-{b}"] = hits / (double)x.Length;
            }
        return new RetrievalScore(test.Count, perPair.Count == 0 ? double.NaN : perPair.Values.Average(), perPair);
    }

    private static double[][] Normalise(double[][] rows) => rows.Select(r =>
    {
        double norm = Math.Sqrt(r.Sum(v => v * v));
        return r.Select(v => v / Math.Max(norm, 1e-12)).ToArray();
    }).ToArray();
}
