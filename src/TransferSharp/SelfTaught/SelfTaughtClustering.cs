using TransferSharp.Data;
using TransferSharp.Evaluation;

namespace TransferSharp.SelfTaught;

/// <summary>One clustering of the target and, when the target has labels, how well it matches them.</summary>
/// <param name="Features">The feature map's name.</param>
/// <param name="FeatureDimension">Length of a feature vector.</param>
/// <param name="Assignments">Cluster of each target example.</param>
/// <param name="Inertia">k-means inertia in the feature space (not comparable across feature maps).</param>
/// <param name="Score">Accuracy, NMI and ARI against the target's labels; null for an unlabelled target.</param>
public sealed record ClusteringOutcome(string Features, int FeatureDimension, long[] Assignments, double Inertia, ClusteringScore? Score);

/// <summary>
/// Self-taught clustering: cluster an unlabelled target in a feature space learnt without labels on an auxiliary
/// source (in the spirit of Dai, Yang, Xue and Yu, ICML 2008, with an autoencoder's codes standing in for their
/// co-clustering of the shared feature space).
/// </summary>
/// <remarks>
/// For a feature map φ, runs k-means (k-means++ seeding, several restarts) on φ(x) of the target and, when labels
/// exist, scores the partition by clustering accuracy (Hungarian matching), NMI and ARI. Labels are never used to
/// cluster.
/// </remarks>
public sealed class SelfTaughtClustering
{
    private readonly KMeansOptions options;

    /// <summary>Creates the clusterer; the options are validated here.</summary>
    public SelfTaughtClustering(KMeansOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Clusters <paramref name="target"/> in the space of <paramref name="features"/>.</summary>
    public ClusteringOutcome Cluster(FeatureMap features, Dataset target, CancellationToken cancellation = default) => Cluster(features, target, cancellation, null);

    /// <summary>Clusters, and hands k-means' full result (its centroids start DEC) to <paramref name="fitted"/>.</summary>
    internal ClusteringOutcome Cluster(FeatureMap features, Dataset target, CancellationToken cancellation, Action<KMeansResult>? fitted)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Count < options.Clusters)
            throw new ArgumentException($"target '{target.Name}' has {target.Count} examples, fewer than the {options.Clusters} clusters asked for");
        using var f = features.Apply(target);
        var result = new KMeans(options).Fit(f.Inputs, cancellation);
        fitted?.Invoke(result);
        var score = target.HasLabels ? ClusteringMetrics.Score(target.LabelArray(), result.Assignments) : null;
        return new ClusteringOutcome(features.Name, (int)f.ExampleShape[0], result.Assignments, result.Inertia, score);
    }
}
