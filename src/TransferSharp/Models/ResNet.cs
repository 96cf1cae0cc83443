using TorchSharp.Modules;

namespace TransferSharp.Models;

/// <summary>
/// ResNet-18 (He et al. 2016) in torchvision's layout and parameter names (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c>, <c>layer2.0.downsample.0</c>, <c>fc</c>), so torchvision state dicts load by name.
/// </summary>
/// <remarks>Stages: stem (conv1, bn1, relu, maxpool), layer1..layer3, layer4 (with the global pooling), head (fc).
/// Inputs are converted to channels-last layout first (<see cref="StagedModel.ChannelsLast"/>), which the
/// convolutions, batch norms and pools keep: 15–17 % faster on CPU.</remarks>
internal static class ResNet
{
    public static StagedModel Create18(ModelSpec spec) => Create(spec, layer4Blocks: 2);

    /// <summary>
    /// The variant in ML.NET's DnnImageFeaturizer.ResNet18 package (a CNTK export): as ResNet-18 but with a third
    /// basic block in layer4 (<c>layer4.2</c>).
    /// </summary>
    public static StagedModel Create18MlNet(ModelSpec spec) => Create(spec, layer4Blocks: 3);

    private static StagedModel Create(ModelSpec spec, int layer4Blocks)
    {
        var (c, _, _) = ModelZoo.ImageShape(spec);
        return new StagedModel(spec,
        [
            new Stage("stem",
            [
                ("conv1", nn.Conv2d(c, 64, 7, stride: 2, padding: 3, bias: false)),
                ("bn1", nn.BatchNorm2d(64)),
                ("relu", nn.ReLU()),
                ("maxpool", nn.MaxPool2d(3, stride: 2, padding: 1)),
            ]),
            Stage.Of("layer1", Layer(64, 64, stride: 1)),
            Stage.Of("layer2", Layer(64, 128, stride: 2)),
            Stage.Of("layer3", Layer(128, 256, stride: 2)),
            new Stage("layer4",
            [
                ("layer4", Layer(256, 512, stride: 2, layer4Blocks)),
                ("avgpool", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())),   // (N, 512): the features
            ]),
            new Stage("head", [("fc", nn.Linear(512, spec.ClassCount))]),
        ], channelsLast: true);
    }

    private static Sequential Layer(long inC, long outC, long stride, int blocks = 2) =>
        nn.Sequential([new BasicBlock(inC, outC, stride), .. Enumerable.Range(1, blocks - 1).Select(_ => new BasicBlock(outC, outC, 1))]);
}

/// <summary>Two 3x3 convolutions with a residual connection; a 1x1 projection when the shape changes.</summary>
internal sealed class BasicBlock : Module<Tensor, Tensor>
{
    // Field names are the state-dict keys (torchvision's).
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inC, long outC, long stride) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inC, outC, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outC);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(outC, outC, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outC);
        if (stride != 1 || inC != outC)
            downsample = nn.Sequential(nn.Conv2d(inC, outC, 1, stride: stride, bias: false), nn.BatchNorm2d(outC));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        // Intermediate handles are released at once (autograd keeps what backward needs), so that a caller's dispose
        // scope does not hold every activation of the network until it ends.
        using var a = conv1.call(x);
        using var b = bn1.call(a);
        using var c = relu.call(b);
        using var d = conv2.call(c);
        using var e = bn2.call(d);
        using var projected = downsample is null ? null : Project(downsample, x);
        using var sum = e + (projected ?? x);
        return relu.call(sum);
    }

    /// <summary>The projection shortcut (1x1 convolution + batch norm), computed in contiguous (NCHW) layout.</summary>
    /// <remarks>
    /// On CPUs with AVX-512, the oneDNN 3.7.1 inside libtorch 2.10 (TorchSharp 0.107) picks its
    /// <c>brgconv_1x1:avx512_core</c> kernel for float32 channels-last 1x1 convolutions, and that kernel's forward
    /// result is wrong for some shapes with 512 output channels (seen: 256→512 at 12–16 pixels square, stride 2, one
    /// image, which is layer4's projection on ImageNet-sized inputs; 2x2→1x1 in batches of 64, which is layer4's
    /// projection on 32x32 inputs; not at 8 or 28 pixels): relative error 0.4–0.5 against a float64 computation,
    /// measured on an AMD Zen 5 host; <c>ONEDNN_MAX_CPU_ISA=AVX2</c> avoids it too, but for every convolution. Its gradients, the
    /// 3x3 channels-last kernels and the contiguous-layout 1x1 kernel (<c>jit_1x1</c>, blocked) are right, so only
    /// this convolution leaves channels-last: x (N, C, H, W) channels-last → contiguous copy → projection → back to
    /// channels-last (the residual sum keeps the block's layout). Costs two copies of the block input's size, in
    /// three blocks of the network.
    /// </remarks>
    private static Tensor Project(Sequential downsample, Tensor x)
    {
        bool channelsLast = x.dim() == 4 && x.shape[1] > 1 && x.stride(1) == 1;
        if (!channelsLast) return downsample.call(x);
        using var nchw = x.contiguous();
        using var y = downsample.call(nchw);
        return Modules.ToChannelsLast.Convert(y);
    }
}
