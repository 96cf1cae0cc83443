using TransferSharp.Data;
using TransferSharp.Evaluation;

namespace TransferSharp.DomainAdaptation;

/// <summary>One example in a 2-D map of features: coordinates, true class (-1 for an unlabelled set) and domain (0 = source, 1 = target).</summary>
public sealed record FeaturePoint(double X, double Y, int Class, int Domain);

/// <summary>The DANN paper's picture: t-SNE of the features of source and target examples, together in one map.</summary>
public static class FeatureEmbedding
{
    /// <summary>
    /// Features of up to <paramref name="perDomain"/> examples of each set (a stratified sample of a labelled set, a
    /// random one of an unlabelled set, whose points get class -1), embedded together with exact t-SNE.
    /// </summary>
    public static IReadOnlyList<FeaturePoint> Compute(AdaptationNetwork network, Dataset source, Dataset target, int perDomain, TsneOptions? options = null)
    {
        if (perDomain < 2) throw new ArgumentOutOfRangeException(nameof(perDomain), perDomain, "need at least 2 points per domain");
        var parts = new[] { source, target };
        var features = new List<float[,]>();
        var labels = new List<long[]>();
        foreach (var d in parts)
        {
            using var sample = Sample(d, perDomain, options?.Seed ?? 0);
            features.Add(network.ExtractFeatures(sample.Inputs));
            labels.Add(sample.HasLabels ? sample.LabelArray() : Enumerable.Repeat(-1L, sample.Count).ToArray());
        }
        int n = features.Sum(f => f.GetLength(0)), width = features[0].GetLength(1);
        var all = new float[n, width];
        int row = 0;
        foreach (var f in features)
        {
            Buffer.BlockCopy(f, 0, all, row * width * sizeof(float), f.Length * sizeof(float));
            row += f.GetLength(0);
        }
        var map = Tsne.Embed(all, options);
        var points = new List<FeaturePoint>(n);
        row = 0;
        for (int dom = 0; dom < parts.Length; dom++)
            foreach (var y in labels[dom])
            {
                points.Add(new FeaturePoint(map[row, 0], map[row, 1], (int)y, dom));
                row++;
            }
        return points;
    }

    private static Dataset Sample(Dataset d, int count, int seed)
    {
        if (d.Count <= count) return d.Subset(Enumerable.Range(0, d.Count).Select(i => (long)i).ToArray());
        var (rest, sample) = d.HasLabels ? d.StratifiedSplit(count / (double)d.Count, seed) : d.RandomSplit(count / (double)d.Count, seed);
        rest.Dispose();
        return sample;
    }
}
