using TransferSharp.Models;

namespace TransferSharp.Tests.Models;

[Collection("Sequential")]
public sealed class ModelZooTests
{
    private static long ParameterCount(Module<Tensor, Tensor> m) => m.parameters().Sum(p => p.numel());

    [Theory]
    [InlineData("lenet", new long[] { 1, 28, 28 })]
    [InlineData("lenet", new long[] { 3, 32, 32 })]
    [InlineData("mlp", new long[] { 64 })]
    [InlineData("mlp", new long[] { 1, 8, 8 })]
    [InlineData("cnn", new long[] { 1, 8, 8 })]
    [InlineData("cnn", new long[] { 3, 28, 28 })]
    [InlineData("resnet18", new long[] { 3, 32, 32 })]
    public void Every_architecture_maps_a_batch_to_logits(string arch, long[] shape)
    {
        using var model = ModelZoo.Create(new ModelSpec(arch, shape, 7));
        using var x = rand([2, .. shape]);
        using var y = model.call(x);
        Assert.Equal([2L, 7], y.shape);
        using var f = model.Features(x);
        Assert.Equal(2L, f.dim());
    }

    [Fact]
    public void LeNet_has_the_DANN_paper_layer_sizes()
    {
        // conv 1->32 5x5: 832; conv 32->48 5x5: 38,448; fc 768->100: 76,900; fc 100->100: 10,100; head 100->10: 1,010.
        using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10));
        Assert.Equal(832 + 38_448 + 76_900 + 10_100 + 1_010, ParameterCount(model));
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", "head"], model.StageNames);
    }

    [Fact]
    public void ResNet18_matches_torchvision_in_size_and_parameter_names()
    {
        // torchvision's resnet18 has 11,689,512 parameters with a 1000-class fc (512*1000 + 1000 of them).
        using var model = ModelZoo.Create(new ModelSpec("resnet18", [3, 224, 224], 1000));
        Assert.Equal(11_689_512, ParameterCount(model));
        var keys = model.state_dict().Keys.ToHashSet();
        foreach (var k in new[] { "conv1.weight", "bn1.running_mean", "layer1.0.conv1.weight", "layer1.1.bn2.bias",
                     "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "layer4.1.conv2.weight", "fc.weight", "fc.bias" })
            Assert.Contains(k, keys);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", keys);
        Assert.Equal(["stem", "layer1", "layer2", "layer3", "layer4", "head"], model.StageNames);
        Assert.Equal(["conv1", "bn1", "relu", "maxpool"], model.ModulesOf("stem"));
    }

    [Fact]
    public void Stage_parameters_are_the_parameters_of_that_stage_only()
    {
        using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10));
        var names = model.StageParameters("conv2").Select(p => p.Name).ToArray();
        Assert.Equal(["conv2.0.weight", "conv2.0.bias"], names);
        Assert.Throws<ArgumentException>(() => model.StageParameters("conv9").ToArray());
    }

    [Fact]
    public void Bad_specs_are_rejected_with_the_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelZoo.Create(new ModelSpec("lenet", [1, 8, 8], 10)));
        Assert.Contains("at least 16x16", e.Message);
        e = Assert.Throws<ArgumentException>(() => ModelZoo.Create(new ModelSpec("vgg", [1, 28, 28], 10)));
        Assert.Contains("unknown", e.Message);
        e = Assert.Throws<ArgumentException>(() => ModelZoo.Create(new ModelSpec("cnn", [64], 10)));
        Assert.Contains("needs images", e.Message);
    }
}
