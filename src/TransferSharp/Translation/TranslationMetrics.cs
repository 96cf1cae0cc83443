using System.Text;

namespace TransferSharp.Translation;

/// <summary>
/// Scores of translations against one reference each: exact match, chrF (Popović 2015) and corpus BLEU (Papineni
/// et al. 2002).
/// </summary>
/// <remarks>
/// <para>BLEU: corpus-level modified n-gram precisions (n = 1..4, uniform weights) and brevity penalty
/// exp(1 − r/c) when c ≤ r, as sacreBLEU computes it, with sacreBLEU's default "exp" smoothing (NIST geometric
/// sequence, NLTK's method3): the k-th order with no match gets precision 1 / (2^k · total). Tokens: words split
/// on whitespace, with every punctuation or symbol character a token of its own (13a-like, so "quatre-vingt-dix" is
/// five tokens). A German compound or a Korean or Japanese number is one token, so BLEU there is nearly exact match;
/// chrF is the fairer measure across these languages. Reported ×100.</para>
/// <para>chrF: character n-grams (n = 1..6, whitespace removed); per sentence and order the F_β of n-gram precision
/// and recall (1e-16 when nothing matches), averaged over orders and then over sentences (NLTK's corpus_chrf);
/// β = 2 (chrF2). Reported ×100.</para>
/// </remarks>
public static class TranslationMetrics
{
    /// <summary>Fraction of outputs identical to their reference (after trimming).</summary>
    public static double ExactMatch(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references)
    {
        Check(hypotheses, references);
        return hypotheses.Zip(references).Count(p => p.First.Trim() == p.Second.Trim()) / (double)hypotheses.Count;
    }

    /// <summary>Corpus BLEU ×100 (see remarks).</summary>
    public static double Bleu(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references, int maxOrder = 4)
    {
        Check(hypotheses, references);
        var matches = new long[maxOrder];
        var totals = new long[maxOrder];
        long hypLength = 0, refLength = 0;
        foreach (var (h, r) in hypotheses.Zip(references))
        {
            var ht = Tokenize(h);
            var rt = Tokenize(r);
            hypLength += ht.Length;
            refLength += rt.Length;
            for (int n = 1; n <= maxOrder; n++)
            {
                var refCounts = NGrams(rt, n);
                foreach (var (gram, count) in NGrams(ht, n))
                {
                    totals[n - 1] += count;
                    matches[n - 1] += Math.Min(count, refCounts.GetValueOrDefault(gram));
                }
            }
        }
        if (hypLength == 0 || matches[0] == 0) return 0;
        double logSum = 0;
        int k = 1;
        for (int n = 0; n < maxOrder; n++)
        {
            double p;
            if (totals[n] == 0) return 0;   // every output shorter than n tokens
            if (matches[n] == 0) p = 1.0 / (Math.Pow(2, k++) * totals[n]);
            else p = matches[n] / (double)totals[n];
            logSum += Math.Log(p) / maxOrder;
        }
        double bp = hypLength > refLength ? 1 : Math.Exp(1 - refLength / (double)hypLength);
        return 100 * bp * Math.Exp(logSum);
    }

    /// <summary>chrF ×100 (see remarks).</summary>
    public static double ChrF(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references, int maxOrder = 6, double beta = 2)
    {
        Check(hypotheses, references);
        double sum = 0;
        foreach (var (h, r) in hypotheses.Zip(references))
        {
            var hc = Characters(h);
            var rc = Characters(r);
            double sentence = 0;
            for (int n = 1; n <= maxOrder; n++)
            {
                var hg = NGrams(hc, n);
                var rg = NGrams(rc, n);
                long tp = hg.Sum(kv => Math.Min(kv.Value, rg.GetValueOrDefault(kv.Key)));
                long hypCount = hg.Values.Sum(), refCount = rg.Values.Sum();
                if (tp == 0 || hypCount == 0 || refCount == 0)
                {
                    sentence += 1e-16;
                    continue;
                }
                double p = tp / (double)hypCount, rec = tp / (double)refCount, b2 = beta * beta;
                sentence += (1 + b2) * p * rec / (b2 * p + rec);
            }
            sum += sentence / maxOrder;
        }
        return 100 * sum / hypotheses.Count;
    }

    /// <summary>BLEU's tokens: whitespace-separated words, each punctuation or symbol character a token of its own.</summary>
    public static string[] Tokenize(string text)
    {
        var sb = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsPunctuation(rune) || Rune.IsSymbol(rune)) sb.Append(' ').Append(rune.ToString()).Append(' ');
            else sb.Append(rune.ToString());
        }
        return sb.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    private static string[] Characters(string text) =>
        text.EnumerateRunes().Where(r => !Rune.IsWhiteSpace(r)).Select(r => r.ToString()).ToArray();

    private static Dictionary<string, int> NGrams(string[] tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Length; i++)
        {
            var gram = string.Join('\u0001', tokens, i, n);
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }

    private static void Check(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references)
    {
        if (hypotheses.Count != references.Count)
            throw new ArgumentException($"{hypotheses.Count} outputs for {references.Count} references");
        if (hypotheses.Count == 0) throw new ArgumentException("no sentences to score");
    }
}
