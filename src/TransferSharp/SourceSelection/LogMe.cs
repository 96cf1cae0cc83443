namespace TransferSharp.SourceSelection;

/// <summary>
/// LogME (You et al. 2021): how well a linear model on the features can explain the labels, as the maximised log
/// marginal likelihood (evidence) of Bayesian linear regression onto each one-hot label column, averaged over classes
/// and divided by the number of examples. Higher is better; needs only features, no source classifier.
/// </summary>
public static class LogMe
{
    /// <summary>The LogME score of <paramref name="features"/> <c>(N, D)</c> for <paramref name="labels"/> in 0..classes−1.</summary>
    public static double Score(double[,] features, IReadOnlyList<int> labels, int classes)
    {
        Estimators.Check(features, labels, classes);
        int n = features.GetLength(0), d = features.GetLength(1);
        using var scope = NewDisposeScope();
        // F = U diag(s) Vᵀ: the eigenvalues of FᵀF are s², and Uᵀy projects each label column onto the span of F.
        var f = tensor(Estimators.Flatten(features), [n, d], float64);
        var (u, s, _) = linalg.svd(f, fullMatrices: false);
        var sigma = (s * s).data<double>().ToArray();
        var uT = u.t().contiguous();
        double total = 0;
        for (int k = 0; k < classes; k++)
        {
            var y = tensor(labels.Select(l => l == k ? 1.0 : 0.0).ToArray(), float64);
            var x = matmul(uT, y).data<double>().ToArray();
            double yy = labels.Count(l => l == k);
            total += Maximise(sigma, x, yy, n, d).Evidence;
        }
        return total / classes;
    }

    /// <summary>The evidence of one label column, maximised over α (weight precision) and β (noise precision).</summary>
    /// <param name="sigma">The r = min(N, D) eigenvalues of FᵀF.</param>
    /// <param name="x">Uᵀy: the label column in the basis of F's left singular vectors.</param>
    /// <param name="yy">yᵀy.</param>
    /// <param name="n">Examples.</param>
    /// <param name="d">Feature dimensions.</param>
    /// <returns>log p(y | F, α, β) / N at the fixed point, with that α and β.</returns>
    internal static (double Evidence, double Alpha, double Beta) Maximise(double[] sigma, double[] x, double yy, int n, int d)
    {
        double outside = Math.Max(yy - x.Sum(v => v * v), 0);   // the part of y no feature direction reaches
        double alpha = 1, beta = 1, m2 = 0, res2 = 0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            // MacKay's fixed point: γ = Σ βσ/(α+βσ) well-determined directions; α = γ/mᵀm, β = (N−γ)/‖y−Fm‖².
            double t = alpha / beta, gamma = 0;
            m2 = 0;
            res2 = outside;
            for (int j = 0; j < sigma.Length; j++)
            {
                gamma += sigma[j] / (sigma[j] + t);
                m2 += sigma[j] * x[j] * x[j] / ((sigma[j] + t) * (sigma[j] + t));
                res2 += x[j] * x[j] * t * t / ((sigma[j] + t) * (sigma[j] + t));
            }
            alpha = gamma / (m2 + 1e-5);
            beta = (n - gamma) / (res2 + 1e-5);
            if (Math.Abs(alpha / beta - t) / t < 1e-5) break;
        }
        // Recompute m and the residual at the final α, β so the evidence is that of the returned pair.
        double tf = alpha / beta;
        m2 = 0;
        res2 = outside;
        double logDetA = (d - sigma.Length) * Math.Log(alpha);   // FᵀF has D − r zero eigenvalues when D > N
        for (int j = 0; j < sigma.Length; j++)
        {
            m2 += sigma[j] * x[j] * x[j] / ((sigma[j] + tf) * (sigma[j] + tf));
            res2 += x[j] * x[j] * tf * tf / ((sigma[j] + tf) * (sigma[j] + tf));
            logDetA += Math.Log(alpha + beta * sigma[j]);
        }
        double evidence = d / 2.0 * Math.Log(alpha) + n / 2.0 * Math.Log(beta) - beta / 2 * res2 - alpha / 2 * m2
                          - logDetA / 2 - n / 2.0 * Math.Log(2 * Math.PI);
        return (evidence / n, alpha, beta);
    }
}
