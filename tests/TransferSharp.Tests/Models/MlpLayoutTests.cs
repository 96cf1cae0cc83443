using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Models;

[Collection("Sequential")]
public sealed class MlpLayoutTests
{
    [Fact]
    public void The_mlp_flattens_images_in_C_H_W_order_without_a_channels_last_copy()
    {
        Seeding.SeedEverything(3);
        using var model = ModelZoo.Create(new ModelSpec("mlp", [3, 4, 5], 2));
        var mlp = Assert.IsType<StagedModel>(model);
        Assert.False(mlp.ChannelsLast);
        // The keys (and shapes) checkpoints written before this change hold.
        Assert.Equal(["fc1.1.weight:256x60", "fc1.1.bias:256", "fc2.0.weight:128x256", "fc2.0.bias:128", "head.weight:2x128", "head.bias:2"],
            model.state_dict().Select(kv => $"{kv.Key}:{string.Join("x", kv.Value.shape)}"));

        using var scope = NewDisposeScope();
        model.eval();
        using var _ = no_grad();
        var x = rand([6, 3, 4, 5]);                               // (N, C, H, W)
        var p = model.state_dict();
        // Independently: flatten in (C, H, W) order, then the three linear layers.
        var h = functional.relu(functional.linear(x.reshape(6, 60), p["fc1.1.weight"], p["fc1.1.bias"]));
        h = functional.relu(functional.linear(h, p["fc2.0.weight"], p["fc2.0.bias"]));
        var expected = functional.linear(h, p["head.weight"], p["head.bias"]);   // (N, 2)
        Assert.True(model.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
        // An input already in channels-last memory gives the same logits: Flatten reads the logical order.
        Assert.True(model.call(TransferSharp.Modules.ToChannelsLast.Convert(x)).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }
}
