using TransferSharp.Losses;

namespace TransferSharp.Tests.Losses;

[Collection("Sequential")]
public sealed class StartingPointTests
{
    [Fact]
    public void Penalty_is_zero_at_the_starting_point()
    {
        using var w = tensor(new float[] { 1, -2, 3 }).requires_grad_();
        using var penalty = new StartingPointPenalty([w], [], alpha: 0.5, beta: 0);
        Assert.Equal(0f, penalty.Compute().item<float>());
    }

    [Fact]
    public void Penalty_equals_its_formula_on_hand_made_weights()
    {
        using var copied = tensor(new float[] { 1, -2, 3 }).requires_grad_();
        using var fresh = tensor(new float[] { 0.5f, 2 }).requires_grad_();
        using var penalty = new StartingPointPenalty([copied], [fresh], alpha: 0.1, beta: 0.01);
        using (no_grad()) copied.add_(tensor(new float[] { 1, 0, -2 }));   // now (2, -2, 1): moved by (1, 0, -2)
        var value = penalty.Compute();
        // 0.1 * (1 + 0 + 4) + 0.01 * (0.25 + 4)
        Assert.Equal(0.1 * 5 + 0.01 * 4.25, value.item<float>(), 5);
        value.backward();
        // d/dw alpha*(w - w0)^2 = 2*alpha*(w - w0); d/dv beta*v^2 = 2*beta*v.
        Assert.Equal(new[] { 0.2f, 0f, -0.4f }, copied.grad!.data<float>().ToArray().Select(g => MathF.Round(g, 5)));
        Assert.Equal(new[] { 0.01f, 0.04f }, fresh.grad!.data<float>().ToArray().Select(g => MathF.Round(g, 5)));
    }

    [Fact]
    public void Starting_weights_stay_fixed_when_the_weights_change()
    {
        using var w = tensor(new float[] { 1, 1 }).requires_grad_();
        using var penalty = new StartingPointPenalty([w], [], alpha: 1, beta: 0);
        using (no_grad()) w.mul_(3);   // (3, 3): 2 away from the start on each entry
        Assert.Equal(8f, penalty.Compute().item<float>(), 5);
    }
}
