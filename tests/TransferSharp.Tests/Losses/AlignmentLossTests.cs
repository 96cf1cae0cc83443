using TransferSharp.Losses;

namespace TransferSharp.Tests.Losses;

[Collection("Sequential")]
public sealed class AlignmentLossTests
{
    [Fact]
    public void Domain_loss_of_a_chance_level_classifier_is_ln_2()
    {
        using var scope = NewDisposeScope();
        var loss = DomainAdversarial.Loss(zeros(10, 1), zeros(6, 1)).item<float>();
        Assert.Equal(Math.Log(2), loss, 5);
    }

    [Fact]
    public void Domain_loss_is_small_for_a_confident_right_classifier_and_large_for_a_wrong_one()
    {
        using var scope = NewDisposeScope();
        Assert.True(DomainAdversarial.Loss(full(4, 1, 8f), full(4, 1, -8f)).item<float>() < 0.01);
        Assert.True(DomainAdversarial.Loss(full(4, 1, -8f), full(4, 1, 8f)).item<float>() > 5);
        Assert.Equal(1.0, DomainAdversarial.Accuracy(full(4, 1, 1f), full(3, 1, -1f)));
        Assert.Equal(0.5, DomainAdversarial.Accuracy(full(4, 1, 1f), full(4, 1, 1f)));
    }

    [Fact]
    public void Conditioning_is_the_flattened_outer_product()
    {
        using var scope = NewDisposeScope();
        var f = tensor(new[] { 1f, 2f, 3f }).view(1, 3);
        var p = tensor(new[] { 0.25f, 0.75f }).view(1, 2);
        Assert.Equal(new[] { 0.25f, 0.5f, 0.75f, 0.75f, 1.5f, 2.25f }, DomainAdversarial.ConditionOnPredictions(f, p).data<float>().ToArray());
    }

    [Fact]
    public void Mmd_of_a_sample_with_itself_is_zero_and_grows_with_a_mean_shift()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var a = randn(64, 5);
        Assert.True(Math.Abs(Mmd.Loss(a, a).item<float>()) < 1e-5);
        var b = randn(64, 5);   // same distribution, another sample: small
        double previous = Mmd.Loss(a, b).item<float>();
        Assert.True(previous < 0.1, $"same-distribution MMD {previous}");
        foreach (var shift in new[] { 0.5f, 1f, 2f, 4f })
        {
            double m = Mmd.Loss(a, b + shift).item<float>();
            Assert.True(m > previous, $"MMD at shift {shift} = {m}, not above {previous}");
            previous = m;
        }
    }

    [Fact]
    public void Mmd_accepts_different_sample_sizes_and_has_a_gradient()
    {
        using var scope = NewDisposeScope();
        var a = randn(10, 3, requires_grad: true);
        var loss = Mmd.Loss(a, randn(7, 3) + 2);
        loss.backward();
        Assert.True(a.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Coral_is_zero_for_equal_covariances_and_positive_otherwise()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var a = randn(50, 4);
        // Same covariance, different mean and sample order: CORAL ignores means.
        var shifted = a.index_select(0, randperm(50)) + 3;
        Assert.True(Coral.Loss(a, shifted).item<float>() < 1e-6);
        Assert.True(Coral.Loss(a, a * 2).item<float>() > 1e-3);
        var cov = Coral.Covariance(a);
        Assert.True(cov.allclose(cov.t()));
    }

    [Fact]
    public void Coral_needs_two_examples_per_domain()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Coral.Loss(randn(1, 3), randn(5, 3)));
    }

    [Fact]
    public void Entropy_is_ln_k_for_uniform_logits_and_near_zero_for_confident_ones()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(Math.Log(4), Entropy.Mean(zeros(3, 4)).item<float>(), 5);
        Assert.True(Entropy.Mean(tensor(new[] { 20f, 0f, 0f }).view(1, 3)).item<float>() < 1e-6);
    }
}
