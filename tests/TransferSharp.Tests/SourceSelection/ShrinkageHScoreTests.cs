using TransferSharp.SourceSelection;

namespace TransferSharp.Tests.SourceSelection;

[Collection("Sequential")]
public sealed class ShrinkageHScoreTests
{
    [Fact]
    public void The_shrinkage_equals_Ledoit_and_Wolfs_definition_computed_directly()
    {
        var (x, _) = Data(n: 12, d: 5, separation: 1, seed: 2);
        int n = 12, d = 5;
        var mean = Enumerable.Range(0, d).Select(j => Enumerable.Range(0, n).Average(i => x[i, j])).ToArray();
        var c = new double[n, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) c[i, j] = x[i, j] - mean[j];
        // Ledoit & Wolf (2004), with ‖A‖² = tr(AAᵀ)/D: S = XᵀX/N, μ = tr(S)/D, d² = ‖S − μI‖², b̄² = Σ_k ‖x_k x_kᵀ − S‖² / N²,
        // α = min(b̄², d²) / d².
        var s = new double[d, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) s[j, k] += c[i, j] * c[i, k] / n;
        double mu = Enumerable.Range(0, d).Sum(j => s[j, j]) / d, d2 = 0, b2 = 0;
        for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) d2 += Math.Pow(s[j, k] - (j == k ? mu : 0), 2) / d;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) b2 += Math.Pow(c[i, j] * c[i, k] - s[j, k], 2) / d / ((double)n * n);
        double expected = Math.Min(b2, d2) / d2;

        using var scope = torch.NewDisposeScope();
        var f = torch.tensor(c.Cast<double>().ToArray(), [n, d], torch.float64);
        double alpha = ShrinkageHScore.Shrinkage(f, torch.matmul(f.t(), f) / n);
        Assert.Equal(expected, alpha, 10);
        Assert.InRange(alpha, 0, 1);
    }

    [Fact]
    public void With_fewer_examples_than_dimensions_it_still_tells_separable_features_from_noise_where_HScore_saturates()
    {
        var (separable, labels) = Data(n: 20, d: 60, separation: 2, seed: 1);
        var (noise, _) = Data(n: 20, d: 60, separation: 0, seed: 1);
        // Plain H-score inverts a singular covariance: both reach the ceiling, classes − 1 = 3.
        Assert.Equal(3, HScore.Score(separable, labels, 4), 3);
        Assert.Equal(3, HScore.Score(noise, labels, 4), 3);
        double s = ShrinkageHScore.Score(separable, labels, 4), z = ShrinkageHScore.Score(noise, labels, 4);
        // Measured: 2.61 against 0.77.
        Assert.True(s > 2 * z && s < 3, $"H_alpha separable {s}, noise {z}");
    }

    /// <summary>Four classes; class c adds <paramref name="separation"/> to dimension c, on uniform noise.</summary>
    private static (double[,] Features, int[] Labels) Data(int n, int d, double separation, int seed)
    {
        var rng = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(i => i % 4).ToArray();
        var f = new double[n, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) f[i, j] = rng.NextDouble() - 0.5 + (j == labels[i] ? separation : 0);
        return (f, labels);
    }
}
