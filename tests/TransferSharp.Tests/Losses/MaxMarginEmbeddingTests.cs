using TransferSharp.Losses;

namespace TransferSharp.Tests.Losses;

[Collection("Sequential")]
public sealed class MaxMarginEmbeddingTests
{
    // Hand-made image embeddings f(x) (N = 3, E = 2) and class embeddings g(y) (K = 3, E = 2).
    private static readonly float[][] F = [[1, 0], [0.5f, 2], [-1, 1]];
    private static readonly float[][] G = [[2, 0], [0, 1], [1, 1]];
    private static readonly long[] Y = [0, 1, 2];

    private static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void Structured_loss_equals_the_lecture_formula_on_hand_made_vectors(double k)
    {
        // max(0, k − f(x_n)·g(y_n) + max_{m≠n} f(x_n)·g(y_m)), averaged over n.
        double expected = Enumerable.Range(0, 3).Average(n =>
            Math.Max(0, k - Dot(F[n], G[Y[n]]) + Enumerable.Range(0, 3).Where(m => m != Y[n]).Max(m => Dot(F[n], G[m]))));
        using var f = tensor(F.SelectMany(r => r).ToArray(), [3, 2]);
        using var g = tensor(G.SelectMany(r => r).ToArray(), [3, 2]);
        using var y = tensor(Y);
        using var scores = f.matmul(g.t());
        using var loss = MaxMarginEmbedding.Loss(scores, y, k);
        Assert.Equal(expected, loss.item<float>(), 5);
        Assert.True(expected > 0);
    }

    [Fact]
    public void Sum_variant_adds_every_violating_wrong_class()
    {
        double k = 1.5;
        double expected = Enumerable.Range(0, 3).Average(n =>
            Enumerable.Range(0, 3).Where(m => m != Y[n]).Sum(m => Math.Max(0, k - Dot(F[n], G[Y[n]]) + Dot(F[n], G[m]))));
        using var f = tensor(F.SelectMany(r => r).ToArray(), [3, 2]);
        using var g = tensor(G.SelectMany(r => r).ToArray(), [3, 2]);
        using var y = tensor(Y);
        using var loss = MaxMarginEmbedding.Loss(f.matmul(g.t()), y, k, MaxMarginKind.Sum);
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void Ranking_variant_weights_the_violations_by_the_rank_of_the_true_class()
    {
        // ALE: (β_r / r) Σ violations, r = number of violating classes, β_r = 1 + 1/2 + ... + 1/r.
        double k = 1.5;
        double expected = Enumerable.Range(0, 3).Average(n =>
        {
            var v = Enumerable.Range(0, 3).Where(m => m != Y[n]).Select(m => Math.Max(0, k - Dot(F[n], G[Y[n]]) + Dot(F[n], G[m]))).ToArray();
            int r = v.Count(x => x > 0);
            double beta = Enumerable.Range(1, r).Sum(i => 1.0 / i);
            return r == 0 ? 0 : beta / r * v.Sum();
        });
        using var f = tensor(F.SelectMany(r => r).ToArray(), [3, 2]);
        using var g = tensor(G.SelectMany(r => r).ToArray(), [3, 2]);
        using var y = tensor(Y);
        using var loss = MaxMarginEmbedding.Loss(f.matmul(g.t()), y, k, MaxMarginKind.Ranking);
        Assert.Equal(expected, loss.item<float>(), 5);
        Assert.True(expected > 0);
    }

    [Fact]
    public void Loss_and_gradient_are_zero_once_the_margin_is_met()
    {
        // True class ahead of every other by exactly the margin (2): the loss is zero.
        using var y = tensor(new long[] { 0, 1 });
        using var exact = tensor(new float[] { 5, 3, 1, 0, 4, 2 }, [2, 3]);
        foreach (var kind in new[] { MaxMarginKind.Structured, MaxMarginKind.Sum, MaxMarginKind.Ranking })
        {
            using var atMargin = MaxMarginEmbedding.Loss(exact, y, 2.0, kind);
            Assert.Equal(0f, atMargin.item<float>());
        }
        // Ahead by more than the margin: zero loss and zero gradient, so training leaves such examples alone.
        using var scores = tensor(new float[] { 5, 2.9f, 1, 0, 4, 1.9f }, [2, 3], requires_grad: true);
        foreach (var kind in new[] { MaxMarginKind.Structured, MaxMarginKind.Sum, MaxMarginKind.Ranking })
        {
            scores.grad?.zero_();
            using var loss = MaxMarginEmbedding.Loss(scores, y, 2.0, kind);
            Assert.Equal(0f, loss.item<float>());
            loss.backward();
            Assert.Equal(0f, scores.grad!.abs().sum().item<float>());
        }
        // Just inside the margin the loss is positive: 2 − (5 − 3.5) = 0.5 for the first example.
        using var close = tensor(new float[] { 5, 3.5f, 1, 0, 4, 2 }, [2, 3]);
        using var positive = MaxMarginEmbedding.Loss(close, y, 2.0);
        Assert.Equal(0.25f, positive.item<float>(), 5);
    }

    [Fact]
    public void Bad_shapes_and_margins_are_rejected()
    {
        using var scores = zeros(4, 3);
        using var y = zeros(4, dtype: ScalarType.Int64);
        using var shortY = zeros(3, dtype: ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => MaxMarginEmbedding.Loss(scores, shortY, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaxMarginEmbedding.Loss(scores, y, 0));
        using var oneClass = zeros(4, 1);
        Assert.Throws<ArgumentException>(() => MaxMarginEmbedding.Loss(oneClass, y, 1));
    }
}
