using TransferSharp.Modules;

namespace TransferSharp.Tests.Modules;

[Collection("Sequential")]
public sealed class ChannelsLastMaxPool2dTests
{
    [Theory]
    [InlineData(4, 32, 24, 24, 2)]
    [InlineData(3, 48, 8, 8, 2)]
    [InlineData(2, 5, 9, 7, 3)]     // odd sides: the ragged edge is dropped, as nn.MaxPool2d does
    public void Gives_the_values_and_gradients_of_MaxPool2d(int n, int c, int h, int w, int k)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7UL);
        var x = randn([n, c, h, w], generator: g);
        var weights = randn([n, c, h / k, w / k], generator: g);

        var xRef = x.clone().requires_grad_(true);
        var expected = nn.MaxPool2d(k).call(xRef);
        (expected * weights).sum().backward();

        var xCl = x.clone().requires_grad_(true);
        var actual = new ChannelsLastMaxPool2d(k).call(xCl);
        (actual * weights).sum().backward();

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.eq(actual).all().item<bool>(), "pooled values differ");
        Assert.True(xRef.grad!.eq(xCl.grad!).all().item<bool>(), "input gradients differ");
    }

    [Fact]
    public void Output_has_channels_last_strides()
    {
        using var scope = NewDisposeScope();
        var y = new ChannelsLastMaxPool2d(2).call(rand(2, 8, 6, 6));   // (2, 8, 3, 3)
        Assert.Equal([72L, 1, 24, 8], y.stride());
    }
}
