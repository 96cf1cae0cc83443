namespace TransferSharp.Translation;

/// <summary>Cross-language nearest-neighbour retrieval of mean-pooled encoder states (see <see cref="RetrievalScore"/>).</summary>
internal static class Retrieval
{
    /// <summary>
    /// Every sentence of every language is encoded with the same target token (<paramref name="token"/>), so only the
    /// source language and the meaning differ; for each ordered pair of languages, the fraction of sentences whose
    /// nearest neighbour in the other language is their translation. A sparse corpus's pairs use the rows that have both
    /// languages (pairs with fewer than two such rows are left out); <see cref="RetrievalScore.Sentences"/> is then the
    /// fewest rows any pair was scored on.
    /// </summary>
    public static RetrievalScore Accuracy(Translator translator, ParallelCorpus test, string token)
    {
        var states = test.Languages.ToDictionary(l => l, l => Normalise(translator.EncoderStates(test.Sentences(l), token)));
        // Index of each row within its language's sentences (a dense corpus: the row itself).
        var position = test.Languages.ToDictionary(l => l, l =>
        {
            var p = new int[test.Count];
            for (int r = 0, k = 0; r < test.Count; r++) p[r] = test.Has(r, l) ? k++ : -1;
            return p;
        });
        var perPair = new Dictionary<string, double>();
        int fewest = int.MaxValue;
        foreach (var a in test.Languages)
            foreach (var b in test.Languages.Where(b => b != a))
            {
                var rows = test.RowsWith(a, b);
                if (rows.Count < 2) continue;
                var x = rows.Select(r => states[a][position[a][r]]).ToArray();
                var y = rows.Select(r => states[b][position[b][r]]).ToArray();
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
                fewest = Math.Min(fewest, x.Length);
            }
        return new RetrievalScore(perPair.Count == 0 ? 0 : fewest, perPair.Count == 0 ? double.NaN : perPair.Values.Average(), perPair);
    }

    private static double[][] Normalise(double[][] rows) => rows.Select(r =>
    {
        double norm = Math.Sqrt(r.Sum(v => v * v));
        return r.Select(v => v / Math.Max(norm, 1e-12)).ToArray();
    }).ToArray();
}
