using TransferSharp.Modules;

namespace TransferSharp.Models;

/// <summary>
/// The LeNet-style network of Ganin &amp; Lempitsky (2015) for 28x28 digits: conv 32@5x5, max-pool, conv 48@5x5,
/// max-pool, fc 100, fc 100, then the head.
/// </summary>
/// <remarks>
/// The pools compute in channels-last layout (<see cref="ChannelsLastMaxPool2d"/>, same values as nn.MaxPool2d): libtorch's
/// NCHW max-pool was the largest single cost of a training step (bench/throughput.md).
/// </remarks>
internal static class LeNet
{
    public static StagedModel Create(ModelSpec spec)
    {
        var (c, h, w) = ModelZoo.ImageShape(spec);
        // Two 5x5 valid convolutions and two 2x2 pools: 28 -> 24 -> 12 -> 8 -> 4.
        long fh = ((h - 4) / 2 - 4) / 2, fw = ((w - 4) / 2 - 4) / 2;
        return new StagedModel(spec,
        [
            Stage.Of("conv1", nn.Sequential(nn.Conv2d(c, 32, 5), nn.ReLU(), new ChannelsLastMaxPool2d(2))),
            Stage.Of("conv2", nn.Sequential(nn.Conv2d(32, 48, 5), nn.ReLU(), new ChannelsLastMaxPool2d(2), nn.Flatten())),
            Stage.Of("fc1", nn.Sequential(nn.Linear(48 * fh * fw, 100), nn.ReLU())),
            Stage.Of("fc2", nn.Sequential(nn.Linear(100, 100), nn.ReLU())),
            Stage.Of("head", nn.Linear(100, spec.ClassCount)),
        ]);
    }
}

/// <summary>A multilayer perceptron on flattened inputs: two hidden layers of 256 and 128 units.</summary>
/// <remarks>No channels-last conversion: with no convolution to speed up it would only copy the input before
/// <c>Flatten</c> (which reads the logical (C, H, W) order either way).</remarks>
internal static class Mlp
{
    public static StagedModel Create(ModelSpec spec)
    {
        long d = spec.InputShape.Aggregate(1L, (a, b) => a * b);
        return new StagedModel(spec,
        [
            Stage.Of("fc1", nn.Sequential(nn.Flatten(), nn.Linear(d, 256), nn.ReLU())),
            Stage.Of("fc2", nn.Sequential(nn.Linear(256, 128), nn.ReLU())),
            Stage.Of("head", nn.Linear(128, spec.ClassCount)),
        ]);
    }
}

/// <summary>A small CNN for any image size of 8x8 or more: three conv-BN-ReLU blocks (32, 64, 128), global pooling;
/// runs in channels-last layout (<see cref="StagedModel.ChannelsLast"/>).</summary>
internal static class SmallCnn
{
    public static StagedModel Create(ModelSpec spec)
    {
        var (c, _, _) = ModelZoo.ImageShape(spec);
        static Module<Tensor, Tensor> Block(long inC, long outC, bool pool) => pool
            ? nn.Sequential(nn.Conv2d(inC, outC, 3, padding: 1, bias: false), nn.BatchNorm2d(outC), nn.ReLU(), nn.MaxPool2d(2))
            : nn.Sequential(nn.Conv2d(inC, outC, 3, padding: 1, bias: false), nn.BatchNorm2d(outC), nn.ReLU());
        return new StagedModel(spec,
        [
            Stage.Of("block1", Block(c, 32, pool: true)),
            Stage.Of("block2", Block(32, 64, pool: true)),
            Stage.Of("block3", nn.Sequential(Block(64, 128, pool: false), nn.AdaptiveAvgPool2d(1), nn.Flatten())),
            Stage.Of("head", nn.Linear(128, spec.ClassCount)),
        ], channelsLast: true);   // 22–34 % faster training steps on 64x64 RGB images (bench/throughput: resnetcl cnn)
    }
}
