using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Models;

/// <summary>
/// The ResNet basic block in channels-last float32 against the same block in float64 (which libtorch computes without
/// oneDNN), at the shapes where oneDNN 3.7.1's AVX-512 channels-last 1x1 kernel gives wrong results (see
/// <c>BasicBlock.Project</c>): layer4's 256→512 projection at ImageNet size (14x14→7x7) and at 32x32 inputs in a
/// batch (2x2→1x1, 64 images). Passes trivially on CPUs without AVX-512.
/// </summary>
[Collection("Sequential")]
public sealed class ResNetBlockLayoutTests
{
    [Theory]
    [InlineData(1, 256, 512, 14)]
    [InlineData(64, 256, 512, 2)]
    [InlineData(2, 128, 256, 28)]
    public void A_downsampling_block_in_channels_last_agrees_with_float64(int n, int inC, int outC, int size)
    {
        Seeding.SetThreads(1);
        Seeding.SeedEverything(7);
        using var block = new BasicBlock(inC, outC, stride: 2);
        block.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Running statistics away from 0/1, so the batch norms take part.
        foreach (var (name, buffer) in block.named_buffers())
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.copy_(randn(buffer.shape) * 0.1);
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.copy_(rand(buffer.shape) + 0.5);
        var x = randn(n, inC, size, size);                                       // (N, C, H, W)
        var channelsLast = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var actual = block.call(channelsLast);
        block.to(ScalarType.Float64);
        var expected = block.call(x.to(ScalarType.Float64));

        double worst = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        double scale = expected.abs().max().item<double>();
        Assert.True(scale > 0.1);
        Assert.True(worst <= 1e-5 * scale, $"largest difference {worst:g3} (scale {scale:g3})");
    }
}
