namespace TransferSharp.SourceSelection;

/// <summary>What the estimators share: input checks, the row-major copy of a matrix, the covariances of the H-scores and
/// the joint distribution of source and target labels of LEEP and NCE.</summary>
internal static class Estimators
{
    public static void Check(double[,] matrix, IReadOnlyList<int> labels, int classes)
    {
        if (matrix.GetLength(0) != labels.Count) throw new ArgumentException($"{matrix.GetLength(0)} rows but {labels.Count} labels");
        if (labels.Count < 2) throw new ArgumentException($"at least 2 labelled examples are needed, got {labels.Count}");
        if (classes < 2) throw new ArgumentException($"at least 2 classes are needed, got {classes}");
        if (labels.Any(l => l < 0 || l >= classes)) throw new ArgumentException($"labels must be in 0..{classes - 1}");
        foreach (var v in matrix) if (!double.IsFinite(v)) throw new ArgumentException("the features hold a NaN or infinite value");
    }

    public static double[] Flatten(double[,] matrix)
    {
        var flat = new double[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, flat.Length * sizeof(double));
        return flat;
    }

    /// <summary>
    /// The centred features <c>(N, D)</c>, their covariance <c>FᵀF/N</c> and the between-class covariance (every example
    /// replaced by its class mean), all float64 tensors in the caller's dispose scope.
    /// </summary>
    public static (Tensor Centred, Tensor Covariance, Tensor Between) Covariances(double[,] features, IReadOnlyList<int> labels, int classes)
    {
        int n = features.GetLength(0), d = features.GetLength(1);
        var f = tensor(Flatten(features), [n, d], float64);
        f = f - f.mean([0], keepdim: true);
        var covariance = matmul(f.t(), f) / n;                                   // (D, D)
        var y = tensor(labels.Select(l => (long)l).ToArray());
        var sums = zeros([classes, d], float64).index_add_(0, y, f, 1.0);
        var counts = bincount(y, minlength: classes).to(float64).clamp_min(1).unsqueeze(1);
        var classMean = (sums / counts).index_select(0, y);                        // (N, D)
        return (f, covariance, matmul(classMean.t(), classMean) / n);
    }

    /// <summary>
    /// P̂(y, z) <c>(classes, Z)</c> and its marginal P̂(z): with <paramref name="hard"/>, each example counts 1/N for its
    /// most probable source class z; otherwise θ_z(x)/N for every z (LEEP's soft version).
    /// </summary>
    public static (double[,] Joint, double[] Marginal) Joint(double[,] sourceProbabilities, IReadOnlyList<int> labels, int classes, bool hard)
    {
        int n = sourceProbabilities.GetLength(0), z = sourceProbabilities.GetLength(1);
        var joint = new double[classes, z];
        var marginal = new double[z];
        for (int i = 0; i < n; i++)
        {
            if (hard)
            {
                int best = 0;
                for (int j = 1; j < z; j++) if (sourceProbabilities[i, j] > sourceProbabilities[i, best]) best = j;
                joint[labels[i], best] += 1.0 / n;
                marginal[best] += 1.0 / n;
            }
            else
                for (int j = 0; j < z; j++)
                {
                    joint[labels[i], j] += sourceProbabilities[i, j] / n;
                    marginal[j] += sourceProbabilities[i, j] / n;
                }
        }
        return (joint, marginal);
    }
}
