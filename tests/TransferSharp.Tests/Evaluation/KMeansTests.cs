using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.Tests.Evaluation;

[Collection("Sequential")]
public sealed class KMeansTests
{
    // k blobs of unit noise around centres 10·e_k: far apart, so k-means must recover them exactly.
    private static (float[] X, long[] Y) Blobs(int perBlob, int k, int dims, int seed)
    {
        var rng = new Random(seed);
        var x = new float[perBlob * k * dims];
        var y = new long[perBlob * k];
        for (int i = 0; i < perBlob * k; i++)
        {
            int c = i % k;
            y[i] = c;
            for (int d = 0; d < dims; d++)
                x[i * dims + d] = (float)((d == c ? 10.0 : 0.0) + Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }
        return (x, y);
    }

    [Fact]
    public void Recovers_well_separated_blobs()
    {
        var (x, y) = Blobs(100, 6, 8, seed: 1);
        using var t = tensor(x, [y.Length, 8]);
        var result = new KMeans(new KMeansOptions { Clusters = 6, Restarts = 5, Seed = 2 }).Fit(t);
        var s = ClusteringMetrics.Score(y, result.Assignments);
        Assert.Equal(1.0, s.Accuracy, 9);
        Assert.Equal(1.0, s.Ari, 9);
        Assert.Equal(6, result.Centroids.GetLength(0));
        Assert.Equal(5, result.InertiaPerRestart.Count);
        Assert.Equal(result.InertiaPerRestart.Min(), result.Inertia, 6);
        // 600 points in 8-D with unit noise: inertia about 600·8 = 4800.
        Assert.InRange(result.Inertia, 4000, 5600);
    }

    [Fact]
    public void Same_seed_gives_the_same_clustering()
    {
        var (x, y) = Blobs(40, 4, 5, seed: 3);
        using var t = tensor(x, [y.Length, 5]);
        var a = new KMeans(new KMeansOptions { Clusters = 4, Restarts = 2, Seed = 7 }).Fit(t);
        var b = new KMeans(new KMeansOptions { Clusters = 4, Restarts = 2, Seed = 7 }).Fit(t);
        Assert.Equal(a.Assignments, b.Assignments);
    }

    [Fact]
    public void Duplicated_points_do_not_break_seeding()
    {
        using var t = ones(20, 3);
        var r = new KMeans(new KMeansOptions { Clusters = 3, Restarts = 2 }).Fit(t);
        Assert.Equal(0, r.Inertia, 9);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_message()
    {
        Assert.Contains("clusters must be at least 1", Assert.Throws<InvalidOptionsException>(() => new KMeans(new KMeansOptions { Clusters = 0 })).Message);
        var e = Assert.Throws<InvalidOptionsException>(() => new KMeans(new KMeansOptions { Restarts = 0, MaxIterations = 0 }));
        Assert.Contains("restarts", e.Message);
        Assert.Equal(["Restarts", "MaxIterations"], e.Errors.Select(x => x.Field));
        Assert.Contains("max iterations", e.Message);
        using var few = zeros(3, 2);
        Assert.Contains("cannot form 5 clusters", Assert.Throws<ArgumentException>(() => new KMeans(new KMeansOptions { Clusters = 5 }).Fit(few)).Message);
        using var nan = full(10, 2, float.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new KMeans(new KMeansOptions { Clusters = 2 }).Fit(nan)).Message);
        using var image = zeros(10, 1, 2, 2);
        Assert.Contains("(N, D)", Assert.Throws<ArgumentException>(() => new KMeans(new KMeansOptions { Clusters = 2 }).Fit(image)).Message);
    }
}
