namespace TransferSharp.Evaluation;

/// <summary>How well a clustering agrees with the true classes.</summary>
/// <param name="Accuracy">Clustering accuracy: the fraction of examples whose cluster, mapped one-to-one to a class
/// by the best (Hungarian) matching, is their class.</param>
/// <param name="Nmi">Normalised mutual information, I(Y; C) / ((H(Y) + H(C)) / 2), in [0, 1].</param>
/// <param name="Ari">Adjusted Rand index: 1 for identical partitions, about 0 for independent ones (can be negative).</param>
public sealed record ClusteringScore(double Accuracy, double Nmi, double Ari);

/// <summary>Clustering accuracy, normalised mutual information and the adjusted Rand index of two labelings.</summary>
/// <remarks>
/// All three ignore the names of the clusters (a permutation of the cluster ids changes nothing).
/// Accuracy = max over one-to-one maps m of (1/n) Σ 1[y_i = m(c_i)] (Xu et al. 2003), solved as an assignment
/// problem on the contingency table. NMI uses the arithmetic-mean normalisation (scikit-learn's default);
/// ARI = (Σ_ij C(n_ij, 2) − E) / (½(Σ_i C(a_i, 2) + Σ_j C(b_j, 2)) − E), E = Σ_i C(a_i, 2) Σ_j C(b_j, 2) / C(n, 2)
/// (Hubert and Arabie 1985).
/// </remarks>
public static class ClusteringMetrics
{
    /// <summary>All three scores of <paramref name="predicted"/> against <paramref name="truth"/>.</summary>
    public static ClusteringScore Score(IReadOnlyList<long> truth, IReadOnlyList<long> predicted) =>
        new(Accuracy(truth, predicted), Nmi(truth, predicted), Ari(truth, predicted));

    /// <summary>Clustering accuracy under the best one-to-one matching of clusters to classes.</summary>
    public static double Accuracy(IReadOnlyList<long> truth, IReadOnlyList<long> predicted)
    {
        var table = Contingency(truth, predicted);    // rows: clusters, columns: classes
        int clusters = table.GetLength(0), classes = table.GetLength(1);
        var score = new double[clusters, classes];
        for (int i = 0; i < clusters; i++)
            for (int j = 0; j < classes; j++) score[i, j] = table[i, j];
        var match = Hungarian.MaximumScore(score);
        long hits = 0;
        for (int i = 0; i < clusters; i++)
            if (match[i] >= 0) hits += table[i, match[i]];
        return hits / (double)truth.Count;
    }

    /// <summary>Normalised mutual information (arithmetic mean of the two entropies; 1 when both are single groups).</summary>
    public static double Nmi(IReadOnlyList<long> truth, IReadOnlyList<long> predicted)
    {
        var table = Contingency(truth, predicted);
        int r = table.GetLength(0), c = table.GetLength(1);
        double n = truth.Count;
        var rowSums = new double[r];
        var colSums = new double[c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) { rowSums[i] += table[i, j]; colSums[j] += table[i, j]; }
        double hRows = Entropy(rowSums, n), hCols = Entropy(colSums, n);
        if (hRows == 0 && hCols == 0) return 1.0;
        double mi = 0;
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                if (table[i, j] > 0) mi += table[i, j] / n * Math.Log(table[i, j] * n / (rowSums[i] * colSums[j]));
        return Math.Clamp(mi / ((hRows + hCols) / 2), 0.0, 1.0);
    }

    /// <summary>Adjusted Rand index (1 when the partitions agree, also when both are trivial).</summary>
    public static double Ari(IReadOnlyList<long> truth, IReadOnlyList<long> predicted)
    {
        var table = Contingency(truth, predicted);
        int r = table.GetLength(0), c = table.GetLength(1);
        static double Pairs(double k) => k * (k - 1) / 2;
        var rowSums = new double[r];
        var colSums = new double[c];
        double sumCells = 0;
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
            {
                rowSums[i] += table[i, j];
                colSums[j] += table[i, j];
                sumCells += Pairs(table[i, j]);
            }
        double sumRows = rowSums.Sum(Pairs), sumCols = colSums.Sum(Pairs);
        double expected = sumRows * sumCols / Pairs(truth.Count);
        double max = (sumRows + sumCols) / 2;
        return max == expected ? 1.0 : (sumCells - expected) / (max - expected);
    }

    // Counts n_ij of examples in cluster i (rows, ids compacted in order of first appearance) and class j (columns).
    internal static long[,] Contingency(IReadOnlyList<long> truth, IReadOnlyList<long> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
            throw new ArgumentException($"the labelings differ in length: {truth.Count} true labels, {predicted.Count} cluster ids");
        if (truth.Count == 0) throw new ArgumentException("the labelings are empty");
        var rowIds = Compact(predicted);
        var colIds = Compact(truth);
        var table = new long[rowIds.Count, colIds.Count];
        for (int k = 0; k < truth.Count; k++) table[rowIds[predicted[k]], colIds[truth[k]]]++;
        return table;
    }

    private static Dictionary<long, int> Compact(IReadOnlyList<long> ids)
    {
        var map = new Dictionary<long, int>();
        foreach (var id in ids) map.TryAdd(id, map.Count);
        return map;
    }

    private static double Entropy(double[] counts, double n) =>
        -counts.Where(x => x > 0).Sum(x => x / n * Math.Log(x / n));
}
