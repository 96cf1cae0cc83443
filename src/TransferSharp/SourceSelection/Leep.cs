namespace TransferSharp.SourceSelection;

/// <summary>
/// LEEP (Nguyen et al. 2020): the mean log-likelihood of the target labels under the "expected empirical predictor"
/// that maps the source classifier's soft predictions θ(x) over source classes z to target labels y through the
/// empirical conditional P̂(y | z). Needs the source classifier's outputs; higher (closer to 0) is better.
/// </summary>
public static class Leep
{
    /// <summary>LEEP of source class probabilities <paramref name="sourceProbabilities"/> <c>(N, Z)</c> for target <paramref name="labels"/>.</summary>
    public static double Score(double[,] sourceProbabilities, IReadOnlyList<int> labels, int classes)
    {
        Estimators.Check(sourceProbabilities, labels, classes);
        int n = sourceProbabilities.GetLength(0), z = sourceProbabilities.GetLength(1);
        // P̂(y, z) = (1/N) Σ_{i: y_i = y} θ_z(x_i); P̂(y | z) = P̂(y, z) / Σ_y' P̂(y', z).
        var (joint, marginal) = Estimators.Joint(sourceProbabilities, labels, classes, hard: false);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double p = 0;
            for (int j = 0; j < z; j++)
                if (marginal[j] > 0) p += joint[labels[i], j] / marginal[j] * sourceProbabilities[i, j];
            sum += Math.Log(Math.Max(p, 1e-300));
        }
        return sum / n;
    }
}
