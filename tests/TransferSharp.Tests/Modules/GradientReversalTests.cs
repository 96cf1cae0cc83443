using TransferSharp.Modules;

namespace TransferSharp.Tests.Modules;

[Collection("Sequential")]
public sealed class GradientReversalTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void Forward_is_the_identity_and_the_gradient_is_minus_lambda_times_upstream(double lambda)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = randn(5, 7, requires_grad: true);
        var upstream = randn(5, 7);
        using var grl = new GradientReversal(lambda);
        var y = grl.call(x);
        Assert.True(y.eq(x).all().item<bool>(), "forward must return x bit for bit");
        (y * upstream).sum().backward();
        // The gradient is exactly −λ times the upstream gradient: the same float product autograd would form.
        var expected = upstream * (float)(-lambda);
        Assert.True(x.grad!.allclose(expected, rtol: 0, atol: 1e-7), $"gradient max error {(x.grad! - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void The_sign_flips_the_gradient_of_a_loss_that_increases_with_x()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1f, 2f, 3f }, requires_grad: true);
        (GradientReversal.Reverse(x, 0.5) * 2).sum().backward();
        // d(2x)/dx = 2, reversed and scaled by 0.5: −1.
        Assert.Equal(new[] { -1f, -1f, -1f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Lambda_can_change_between_calls()
    {
        using var scope = NewDisposeScope();
        using var grl = new GradientReversal();
        grl.Lambda = 0.25;
        var x = ones(3, requires_grad: true);
        grl.call(x).sum().backward();
        Assert.Equal(new[] { -0.25f, -0.25f, -0.25f }, x.grad!.data<float>().ToArray());
    }
}
