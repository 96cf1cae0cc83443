using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;

namespace TransferSharp.Reporting;

/// <summary>The self-taught pictures, as <c>transfer selftaught</c> and the tour draw them.</summary>
public static class SelfTaughtFigures
{
    /// <summary>Rows of source and target examples, each over its reconstruction; nothing for feature vectors.</summary>
    public static void Reconstructions(string path, Autoencoder model, Dataset source, Dataset target, int count = 12)
    {
        if (model.InputShape is not [var c and (1 or 3), var h, var w]) return;
        var rows = new List<GridRow>();
        foreach (var (name, data) in new[] { ("source", source), ("target", target) })
        {
            var pairs = model.ReconstructionExamples(data, count);
            rows.Add(new GridRow(name, pairs.Select(p => new GridImage((int)c, (int)h, (int)w, p.Original)).ToArray()));
            rows.Add(new GridRow($"{name} recon.", pairs.Select(p => new GridImage((int)c, (int)h, (int)w, p.Reconstruction)).ToArray()));
        }
        ImageGrid.Save(path, rows);
    }

    /// <summary>
    /// tsne-&lt;features&gt;.png: t-SNE of <paramref name="count"/> target examples under each feature map, coloured by
    /// true class; an unlabelled target by the k-means cluster of each example under that map (<paramref name="clusters"/>,
    /// one per map), or not drawn without them.
    /// </summary>
    public static void FeatureMaps(string folder, IReadOnlyList<FeatureMap> maps, Dataset target, int count, int seed, IReadOnlyList<long[]>? clusters = null)
    {
        if (count < 4 || target.Count < 4 || (!target.HasLabels && clusters is null)) return;   // t-SNE needs 4 points, and colours
        for (int i = 0; i < maps.Count; i++)
        {
            int k = target.HasLabels ? 0 : (int)clusters![i].Max() + 1;
            using var coloured = target.HasLabels ? null : target.WithLabelValues(clusters![i], Enumerable.Range(0, k).Select(c => $"cluster {c}").ToArray(), "k-means clusters");
            var data = coloured ?? target;
            var points = FeatureMapEmbedding.Compute(maps[i], data, count, new TsneOptions { Seed = seed }).Select(p => new EmbeddedPoint(p.X, p.Y, p.Class, 0)).ToArray();
            var file = System.Text.RegularExpressions.Regex.Replace(maps[i].Name.ToLowerInvariant(), "[^a-z0-9.]+", "-").Trim('-');   // "pca-50 (target)" -> "pca-50-target"
            EmbeddingPlot.Save(Path.Combine(folder, $"tsne-{file}.png"), points, data.ClassNames, ["target"],
                $"t-SNE of the target's {maps[i].Name} features ({points.Length} examples), coloured by {(coloured is null ? "class" : "k-means cluster")}");
        }
    }
}
