using TransferSharp.Evaluation;

namespace TransferSharp.Tests.Evaluation;

public sealed class ClusteringMetricsTests
{
    [Fact]
    public void Identical_partitions_score_one_whatever_the_cluster_names()
    {
        long[] truth = [0, 0, 1, 1, 2, 2, 2];
        long[] renamed = [5, 5, 9, 9, 1, 1, 1];
        var s = ClusteringMetrics.Score(truth, renamed);
        Assert.Equal(1.0, s.Accuracy, 12);
        Assert.Equal(1.0, s.Nmi, 12);
        Assert.Equal(1.0, s.Ari, 12);
    }

    [Fact]
    public void A_refinement_gives_the_hand_computed_values()
    {
        // truth {0,0,1,1}, clusters {0,0,1,2}: H(Y) = ln 2, H(C) = 1.5 ln 2, I = ln 2, so NMI = 2 / 2.5 = 0.8.
        // ARI: Σ C(n_ij,2) = 1, Σ C(a_i,2) = 2, Σ C(b_j,2) = 1, E = 2·1/6 = 1/3, max = 1.5: (1 − 1/3)/(1.5 − 1/3) = 4/7.
        // Accuracy: clusters 0 -> class 0 (2 right), 1 or 2 -> class 1 (1 right): 3/4.
        long[] truth = [0, 0, 1, 1];
        long[] clusters = [0, 0, 1, 2];
        Assert.Equal(0.8, ClusteringMetrics.Nmi(truth, clusters), 12);
        Assert.Equal(4.0 / 7.0, ClusteringMetrics.Ari(truth, clusters), 12);
        Assert.Equal(0.75, ClusteringMetrics.Accuracy(truth, clusters), 12);
    }

    [Fact]
    public void Accuracy_uses_the_best_one_to_one_matching_not_the_majority_class()
    {
        // Majority voting would map both clusters 0 and 1 to class 0 (5 + 4 right); one-to-one allows 5 + 3.
        long[] truth =    [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1];
        long[] clusters = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
        Assert.Equal(8.0 / 13.0, ClusteringMetrics.Accuracy(truth, clusters), 12);
    }

    [Fact]
    public void Independent_labelings_score_about_zero()
    {
        var rng = new Random(3);
        var truth = Enumerable.Range(0, 20000).Select(_ => (long)rng.Next(10)).ToArray();
        var clusters = Enumerable.Range(0, 20000).Select(_ => (long)rng.Next(10)).ToArray();
        var s = ClusteringMetrics.Score(truth, clusters);
        Assert.InRange(s.Ari, -0.01, 0.01);
        Assert.InRange(s.Nmi, 0, 0.01);
        Assert.InRange(s.Accuracy, 0.10, 0.13);   // chance with the best matching is a little above 1/10
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ClusteringMetrics.Score([0, 1], [0]));
        Assert.Contains("differ in length", e.Message);
        Assert.Throws<ArgumentException>(() => ClusteringMetrics.Score([], []));
    }
}
