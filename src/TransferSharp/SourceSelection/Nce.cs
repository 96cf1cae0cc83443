namespace TransferSharp.SourceSelection;

/// <summary>
/// Negative conditional entropy (Tran et al. 2019): −H(Y | Z), where Z is the source classifier's hard label of each
/// target example. 0 when the source labels determine the target labels; needs the source classifier's outputs.
/// </summary>
public static class Nce
{
    /// <summary>NCE of source class probabilities <paramref name="sourceProbabilities"/> <c>(N, Z)</c> (their argmax is used).</summary>
    public static double Score(double[,] sourceProbabilities, IReadOnlyList<int> labels, int classes)
    {
        Estimators.Check(sourceProbabilities, labels, classes);
        int z = sourceProbabilities.GetLength(1);
        var (joint, marginal) = Estimators.Joint(sourceProbabilities, labels, classes, hard: true);
        double nce = 0;   // Σ P̂(y, z) log P̂(y | z)
        for (int y = 0; y < classes; y++)
            for (int j = 0; j < z; j++)
                if (joint[y, j] > 0) nce += joint[y, j] * Math.Log(joint[y, j] / marginal[j]);
        return nce;
    }
}
