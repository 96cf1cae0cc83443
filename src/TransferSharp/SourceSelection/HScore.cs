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
        using var scope = NewDisposeScope();
        var (_, covariance, between) = Estimators.Covariances(features, labels, classes);
        // The pseudo-inverse, with tolerance, for features whose covariance is singular (fewer examples than dimensions).
        return linalg.pinv(covariance, rtol: 1e-10, hermitian: true).matmul(between).trace().item<double>();
    }
}
