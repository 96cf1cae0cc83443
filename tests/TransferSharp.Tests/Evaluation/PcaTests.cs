using TransferSharp.Evaluation;

namespace TransferSharp.Tests.Evaluation;

[Collection("Sequential")]
public sealed class PcaTests
{
    [Fact]
    public void Finds_the_directions_of_rank_two_data()
    {
        // x = a·u + b·v + c with orthonormal u, v in 6-D and var(a) = 9 > var(b) = 1: two components explain it all.
        var rng = new Random(0);
        int n = 400;
        var u = new[] { 1, 1, 0, 0, 0, 0 }.Select(v => v / Math.Sqrt(2)).ToArray();
        var w = new[] { 0, 0, 1, -1, 1, -1 }.Select(v => v / 2.0).ToArray();
        var x = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            double a = 3 * (rng.NextDouble() * 2 - 1) * Math.Sqrt(3), b = (rng.NextDouble() * 2 - 1) * Math.Sqrt(3);
            for (int d = 0; d < 6; d++) x[i * 6 + d] = (float)(a * u[d] + b * w[d] + 5);
        }
        using var t = tensor(x, [n, 6]);
        using var pca = Pca.Fit(t, 2);
        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 4);
        Assert.InRange(pca.ExplainedVarianceRatio[0], 0.85, 0.95);    // 9 / (9 + 1) = 0.9
        using var z = pca.Transform(t);
        Assert.Equal([n, 2], z.shape);
        // The first projection is ±a: perfectly correlated with the data's coordinate along u.
        using var along = (t - 5).matmul(tensor(u.Select(v => (float)v).ToArray()));
        double corr = Math.Abs(corrcoef(stack([z[.., 0], along])).data<float>()[1]);
        Assert.True(corr > 0.999, $"correlation {corr}");
    }

    [Fact]
    public void Too_many_components_are_refused()
    {
        using var t = rand(5, 3);
        Assert.Contains("1..3", Assert.Throws<ArgumentException>(() => Pca.Fit(t, 4)).Message);
        using var pca = Pca.Fit(t, 2);
        using var other = rand(2, 4);
        Assert.Contains("fitted on 3 dimensions", Assert.Throws<ArgumentException>(() => pca.Transform(other)).Message);
    }
}
