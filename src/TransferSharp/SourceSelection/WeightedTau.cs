namespace TransferSharp.SourceSelection;

/// <summary>
/// Weighted Kendall τ (Vigna 2015), the rank correlation transferability benchmarks report between an estimator's scores
/// and the accuracies fine-tuning reaches (LogME, TLlib's benchmark: <c>scipy.stats.weightedtau</c> with its defaults).
/// An exchange near the top of the ranking costs more than one near the bottom: choosing the best source is what matters.
/// </summary>
/// <remarks>
/// With ρ(i) the 0-based position of item i when sorted by decreasing (x, y) (x first, y breaking ties) and the additive
/// hyperbolic weight w(i, j) = 1/(ρ(i)+1) + 1/(ρ(j)+1):
/// τ = Σ_{i&lt;j} w sgn(xᵢ−xⱼ) sgn(yᵢ−yⱼ) / √(Σ_{i&lt;j} w [xᵢ≠xⱼ] · Σ_{i&lt;j} w [yᵢ≠yⱼ]);
/// the result is the mean of that τ with ρ from (x, y) and with ρ from (y, x), as scipy's default <c>rank=True</c> does.
/// 1 for the same order, −1 for the reverse.
/// </remarks>
public static class WeightedTau
{
    /// <summary>The weighted τ of two score lists over the same items.</summary>
    /// <exception cref="ArgumentException">Lists of other lengths, fewer than 2 items, or a NaN.</exception>
    public static double Compute(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} scores against {y.Count}");
        if (x.Count < 2) throw new ArgumentException($"at least 2 items are needed, got {x.Count}");
        if (x.Concat(y).Any(double.IsNaN)) throw new ArgumentException("a score is NaN");
        return (Ranked(x, y) + Ranked(y, x)) / 2;
    }

    // τ with weights from the positions in the order of decreasing (x, y).
    private static double Ranked(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => x[i]).ThenByDescending(i => y[i]).ToArray();
        var rank = new int[n];
        for (int r = 0; r < n; r++) rank[order[r]] = r;
        double agreement = 0, xNorm = 0, yNorm = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double w = 1.0 / (rank[i] + 1) + 1.0 / (rank[j] + 1);
                agreement += w * Math.Sign(x[i] - x[j]) * Math.Sign(y[i] - y[j]);
                if (x[i] != x[j]) xNorm += w;
                if (y[i] != y[j]) yNorm += w;
            }
        return xNorm == 0 || yNorm == 0 ? double.NaN : agreement / Math.Sqrt(xNorm * yNorm);
    }
}
