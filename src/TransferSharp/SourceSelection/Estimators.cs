namespace TransferSharp.SourceSelection;

/// <summary>What the estimators share: input checks and the row-major copy of a matrix.</summary>
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
}
