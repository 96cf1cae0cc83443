using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>A point of a 2-D feature map: coordinates and the example's true class (−1 when unlabelled).</summary>
public sealed record MapPoint(double X, double Y, int Class);

/// <summary>t-SNE of what a <see cref="FeatureMap"/> makes of a dataset: the picture of how features group the classes.</summary>
public static class FeatureMapEmbedding
{
    /// <summary>Features of up to <paramref name="count"/> examples (a stratified sample when labelled), embedded with exact t-SNE.</summary>
    public static IReadOnlyList<MapPoint> Compute(FeatureMap features, Dataset data, int count, TsneOptions? options = null)
    {
        if (count < 4) throw new ArgumentOutOfRangeException(nameof(count), count, "t-SNE needs at least 4 points");
        using var sample = Sample(data, count, options?.Seed ?? 0);
        using var mapped = features.Apply(sample);                                      // (n, F)
        var flat = mapped.Inputs.flatten(1).contiguous().ToArrayOnCpu<float>();
        int n = mapped.Count, width = flat.Length / n;
        var x = new float[n, width];
        Buffer.BlockCopy(flat, 0, x, 0, flat.Length * sizeof(float));
        var map = Tsne.Embed(x, options);
        var labels = sample.HasLabels ? sample.LabelArray() : Enumerable.Repeat(-1L, n).ToArray();
        return Enumerable.Range(0, n).Select(i => new MapPoint(map[i, 0], map[i, 1], (int)labels[i])).ToArray();
    }

    private static Dataset Sample(Dataset d, int count, int seed)
    {
        if (d.Count <= count) return d.Subset(Enumerable.Range(0, d.Count).Select(i => (long)i).ToArray());
        if (!d.HasLabels)
        {
            var order = Enumerable.Range(0, d.Count).Select(i => (long)i).ToArray();
            new Random(seed).Shuffle(order);
            return d.Subset(order[..count]);
        }
        var (rest, sample) = d.StratifiedSplit(count / (double)d.Count, seed);
        rest.Dispose();
        return sample;
    }
}
