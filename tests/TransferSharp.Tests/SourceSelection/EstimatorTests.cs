using TransferSharp.SourceSelection;

namespace TransferSharp.Tests.SourceSelection;

public sealed class EstimatorTests
{
    /// <summary>
    /// LogME's closed form at its fixed point (α, β) equals the Gaussian log density log N(y; 0, β⁻¹I + α⁻¹FFᵀ) / N computed
    /// directly from the N×N covariance, with more examples than dimensions and with fewer.
    /// </summary>
    [Theory]
    [InlineData(30, 5)]
    [InlineData(8, 12)]
    public void LogMe_evidence_equals_the_direct_marginal_likelihood(int n, int d)
    {
        var rng = new Random(3);
        var f = new double[n, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) f[i, j] = rng.NextDouble() * 2 - 1;
        var y = Enumerable.Range(0, n).Select(i => f[i, 0] + 0.3 * (rng.NextDouble() - 0.5) > 0 ? 1.0 : 0.0).ToArray();

        using var F = torch.tensor(Flat(f), [n, d], torch.float64);
        var (u, s, _) = torch.linalg.svd(F, fullMatrices: false);
        var sigma = (s * s).data<double>().ToArray();
        var x = torch.matmul(u.t(), torch.tensor(y, torch.float64)).data<double>().ToArray();
        var (evidence, alpha, beta) = LogMe.Maximise(sigma, x, y.Sum(v => v * v), n, d);

        // Direct: C = I/β + FFᵀ/α; log N(y; 0, C) = −½ (yᵀC⁻¹y + log|C| + N log 2π).
        var C = torch.eye(n, dtype: torch.float64) / beta + torch.matmul(F, F.t()) / alpha;
        var Y = torch.tensor(y, torch.float64);
        double quadratic = torch.matmul(Y, torch.linalg.solve(C, Y)).item<double>();
        double logDet = torch.linalg.slogdet(C).Item2.item<double>();
        double direct = -0.5 * (quadratic + logDet + n * Math.Log(2 * Math.PI)) / n;
        Assert.Equal(direct, evidence, 9);
    }

    [Fact]
    public void LogMe_is_higher_for_features_that_explain_the_labels_than_for_noise()
    {
        var (separable, noise, labels) = Features(n: 200, d: 16, seed: 1);
        Assert.True(LogMe.Score(separable, labels, 4) > LogMe.Score(noise, labels, 4) + 0.1);
    }

    [Fact]
    public void HScore_is_higher_for_features_that_separate_the_classes_than_for_noise()
    {
        var (separable, noise, labels) = Features(n: 200, d: 16, seed: 2);
        double good = HScore.Score(separable, labels, 4), bad = HScore.Score(noise, labels, 4);
        Assert.True(good > 1.5, $"separable {good}");   // at most classes − 1 = 3
        Assert.True(bad < 0.5, $"noise {bad}");
    }

    /// <summary>
    /// Four examples, two source classes, two target classes: θ = [.9 .1; .8 .2; .3 .7; .1 .9], y = [0 0 1 1]. By hand:
    /// P̂(y,z) = [.425 .075; .1 .4], P̂(z) = [.525 .475], P̂(y|z) = [.8095 .1579; .1905 .8421]; the expected empirical
    /// predictor gives the true label .7444, .6792, .6466, .7769; the mean log of those is −0.34261570636906 (python3).
    /// </summary>
    [Fact]
    public void Leep_equals_its_formula_on_a_hand_made_joint_distribution()
    {
        double[,] theta = { { 0.9, 0.1 }, { 0.8, 0.2 }, { 0.3, 0.7 }, { 0.1, 0.9 } };
        Assert.Equal(-0.3426157063690609, Leep.Score(theta, [0, 0, 1, 1], 2), 12);
    }

    /// <summary>Source labels that determine the target's give 0; with z = [0 1 1 1] for y = [0 0 1 1] the conditional
    /// entropy is .25·log(3) + .5·log(1.5) = 0.4773856 (so NCE −0.4773856262211097, python3).</summary>
    [Fact]
    public void Nce_is_zero_when_the_source_labels_determine_the_target_labels_and_the_entropy_otherwise()
    {
        Assert.Equal(0, Nce.Score(new double[,] { { 1, 0 }, { 1, 0 }, { 0, 1 }, { 0, 1 } }, [0, 0, 1, 1], 2), 12);
        Assert.Equal(-0.4773856262211097, Nce.Score(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 1 }, { 0, 1 } }, [0, 0, 1, 1], 2), 12);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LogMe.Score(new double[3, 2], [0, 1], 2));
        Assert.Throws<ArgumentException>(() => HScore.Score(new double[,] { { 0, double.NaN }, { 1, 1 } }, [0, 1], 2));
        Assert.Throws<ArgumentException>(() => Leep.Score(new double[,] { { 1, 0 }, { 0, 1 } }, [0, 2], 2));
    }

    /// <summary>Four classes: separable features put each class's mean apart (plus noise); noise features are the noise alone.</summary>
    private static (double[,] Separable, double[,] Noise, int[] Labels) Features(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(i => i % 4).ToArray();
        double[,] separable = new double[n, d], noise = new double[n, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                double e = rng.NextDouble() - 0.5;
                noise[i, j] = e;
                separable[i, j] = e + (j == labels[i] ? 2 : 0);
            }
        return (separable, noise, labels);
    }

    private static double[] Flat(double[,] m) => m.Cast<double>().ToArray();
}
