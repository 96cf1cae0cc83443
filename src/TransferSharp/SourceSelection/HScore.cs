namespace TransferSharp.SourceSelection;

/// <summary>
/// H-score (Bao et al. 2019): tr(cov(f)⁻¹ cov(E[f | y])), how much of the features' spread lies between the target
/// classes rather than within them. Needs only features; higher is better (at most the number of classes − 1).
/// </summary>
public static class HScore
{
    /// <summary>The H-score of <paramref name="features"/> <c>(N, D)</c> for <paramref name="labels"/> in 0..classes−1.</summary>
    public static double Score(double[,] features, IReadOnlyList<int> labels, int classes)
    {
        Estimators.Check(features, labels, classes);
        int n = features.GetLength(0), d = features.GetLength(1);
        using var scope = NewDisposeScope();
        var f = tensor(Estimators.Flatten(features), [n, d], float64);
        f = f - f.mean([0], keepdim: true);
        var covariance = matmul(f.t(), f) / n;
        // Every example replaced by its class mean (of the centred features): the between-class part.
        var y = tensor(labels.Select(l => (long)l).ToArray());
        var sums = zeros([classes, d], float64).index_add_(0, y, f, 1.0);
        var counts = bincount(y, minlength: classes).to(float64).clamp_min(1).unsqueeze(1);
        var classMean = (sums / counts).index_select(0, y);
        var between = matmul(classMean.t(), classMean) / n;
        // The pseudo-inverse, with tolerance, for features whose covariance is singular (fewer examples than dimensions).
        return linalg.pinv(covariance, rtol: 1e-10, hermitian: true).matmul(between).trace().item<double>();
    }
}
