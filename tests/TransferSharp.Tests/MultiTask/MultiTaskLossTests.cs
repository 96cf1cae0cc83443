using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Tests.MultiTask;

[Collection("Sequential")]
public sealed class MultiTaskLossTests
{
    [Fact]
    public void Fixed_weights_reproduce_the_weighted_sum_in_value_and_gradient()
    {
        Seeding.SeedEverything(2);
        using var model = MultiTaskModel.Create(new MultiTaskSpec("mlp", [6], 1, [new("a", 3), new("b", 4)]));
        var g = new Generator(9);
        using var x = randn([12, 6], generator: g);
        using var ya = randint(0, 3, [12], generator: g);
        using var yb = randint(0, 4, [12], generator: g);
        using var loss = new MultiTaskLoss(LossWeighting.Fixed, [0.3, 2.0]);

        Tensor TrunkGrad(Func<Tensor> objective)
        {
            model.zero_grad();
            objective().backward();
            return cat(model.TrunkParameters().Select(p => p.Parameter.grad!.flatten()).ToArray()).clone().DetachFromDisposeScope();
        }
        Tensor La() => functional.cross_entropy(model.Forward(x, "a"), ya);
        Tensor Lb() => functional.cross_entropy(model.Forward(x, "b"), yb);

        float la = La().item<float>(), lb = Lb().item<float>();
        Assert.Equal(0.3 * la + 2.0 * lb, loss.Combine([La(), Lb()]).item<float>(), 5);
        Assert.Equal(0.3 * la, loss.Combine([La(), null]).item<float>(), 5);     // a task absent from the step adds nothing
        Assert.Equal([0.3, 2.0], loss.Weights());
        Assert.Empty(loss.parameters());                                           // nothing to learn

        var ga = TrunkGrad(La);
        var gb = TrunkGrad(Lb);
        var combined = TrunkGrad(() => loss.Combine([La(), Lb()]));
        Assert.True(combined.allclose(ga * 0.3 + gb * 2.0, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void Uncertainty_weighting_is_exp_minus_s_times_loss_plus_s()
    {
        using var loss = new MultiTaskLoss(LossWeighting.Uncertainty, [1, 1], initialLogVariance: 0.5);
        using var l1 = tensor(2.0f);
        using var l2 = tensor(0.25f);
        // Kendall et al. 2018 with s = log σ²: exp(−s)·L + s per task.
        double expected = Math.Exp(-0.5) * 2.0 + 0.5 + Math.Exp(-0.5) * 0.25 + 0.5;
        Assert.Equal(expected, loss.Combine([l1, l2]).item<float>(), 5);
        Assert.Equal(Math.Exp(-0.5), loss.Weights()[0], 5);
        Assert.Single(loss.parameters());
        Assert.Throws<ArgumentException>(() => loss.Combine([null, null]));
        Assert.Throws<ArgumentException>(() => loss.Combine([l1]));
        Assert.Throws<ArgumentException>(() => new MultiTaskLoss(LossWeighting.Fixed, [1, -2]));
    }
}
