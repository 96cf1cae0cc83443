using TransferSharp.Losses;

namespace TransferSharp.Tests.SelfTaught;

[Collection("Sequential")]
public sealed class SparsityTests
{
    [Fact]
    public void Kl_is_zero_at_the_target_and_matches_the_formula_elsewhere()
    {
        using var atTarget = full(8, 5, 0.1f);
        Assert.Equal(0, Sparsity.KlDivergence(atTarget, 0.1).item<float>(), 5);
        // Two units with mean activations 0.5 and 0.2 against ρ = 0.1, by hand.
        using var codes = tensor(new float[] { 0.4f, 0.1f, 0.6f, 0.3f }, [2, 2]);
        double Kl(double r, double q) => r * Math.Log(r / q) + (1 - r) * Math.Log((1 - r) / (1 - q));
        Assert.Equal(Kl(0.1, 0.5) + Kl(0.1, 0.2), Sparsity.KlDivergence(codes, 0.1).item<float>(), 4);
    }

    [Fact]
    public void A_target_outside_zero_one_is_refused()
    {
        using var codes = full(2, 2, 0.5f);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sparsity.KlDivergence(codes, 1.0));
    }
}
