namespace TransferSharp.Models;

/// <summary>
/// What one built-in architecture can do: its name, a one-line description, the inputs it takes and its stages.
/// </summary>
/// <param name="Name">The name <see cref="ModelZoo.Create"/> and the CLI's <c>--model</c> take.</param>
/// <param name="Description">One line for model lists and help text.</param>
/// <param name="NeedsImages">True when the inputs must be images (C, H, W); false for any example shape.</param>
/// <param name="MinSide">The smallest image side it takes (0 when it takes any shape).</param>
/// <param name="FixedInputSize">
/// True when it ends in fully connected layers sized for one input size (LeNet, the MLP): a trained network then takes
/// only inputs of exactly the shape it was trained on. False for networks that pool globally (the CNN, ResNets).
/// </param>
/// <param name="Stages">The stage names in order, the head last (see <see cref="StagedModel.StageNames"/>).</param>
public sealed record ModelEntry(string Name, string Description, bool NeedsImages, int MinSide, bool FixedInputSize, IReadOnlyList<string> Stages);

/// <summary>Builds the built-in architectures from a <see cref="ModelSpec"/>; <see cref="Entries"/> records what each can do.</summary>
public static class ModelZoo
{
    /// <summary>The built-in architectures, one entry each.</summary>
    public static IReadOnlyList<ModelEntry> Entries { get; } =
    [
        new("lenet", "LeNet (Ganin & Lempitsky 2015): two conv-pool stages and two fully connected ones, for about 28x28 images",
            NeedsImages: true, MinSide: 16, FixedInputSize: true, ["conv1", "conv2", "fc1", "fc2", "head"]),
        new("mlp", "multilayer perceptron (256, 128 hidden units) on flattened inputs of any shape",
            NeedsImages: false, MinSide: 0, FixedInputSize: true, ["fc1", "fc2", "head"]),
        new("cnn", "small CNN (three conv-BN-ReLU blocks, global pooling) for images of 8x8 or more",
            NeedsImages: true, MinSide: 8, FixedInputSize: false, ["block1", "block2", "block3", "head"]),
        new("resnet18", "ResNet-18 (He et al. 2016, torchvision's layout) for images of 32x32 or more",
            NeedsImages: true, MinSide: 32, FixedInputSize: false, ["stem", "layer1", "layer2", "layer3", "layer4", "head"]),
        new("resnet18-mlnet", "ResNet-18 as in ML.NET's ImageNet package (a third block in layer4)",
            NeedsImages: true, MinSide: 32, FixedInputSize: false, ["stem", "layer1", "layer2", "layer3", "layer4", "head"]),
    ];

    /// <summary>The architecture names <see cref="Create"/> knows.</summary>
    public static readonly IReadOnlyList<string> Architectures = Entries.Select(e => e.Name).ToArray();

    /// <summary>The entry of an architecture.</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static ModelEntry Entry(string architecture) =>
        Entries.FirstOrDefault(e => e.Name == architecture)
        ?? throw new ArgumentException($"model '{architecture}' is unknown (choose {string.Join(", ", Architectures)})");

    /// <summary>A freshly initialised model. Seed TorchSharp first for reproducible weights.</summary>
    public static StagedModel Create(ModelSpec spec)
    {
        var errors = spec.Validate().Select(e => e.Message).ToList();
        Training.NativeLibraryCheck.EnsureLoaded();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
        return spec.Architecture switch
        {
            "lenet" => LeNet.Create(spec),
            "mlp" => Mlp.Create(spec),
            "cnn" => SmallCnn.Create(spec),
            "resnet18" => ResNet.Create18(spec),
            "resnet18-mlnet" => ResNet.Create18MlNet(spec),
            _ => throw new ArgumentException($"model '{spec.Architecture}' is unknown"),
        };
    }

    /// <summary>(C, H, W) of an image spec, checked against the architecture's entry (images, at least its minimum side).</summary>
    internal static (long C, long H, long W) ImageShape(ModelSpec spec)
    {
        int minSide = Entry(spec.Architecture).MinSide;
        if (spec.InputShape.Length != 3)
            throw new ArgumentException($"model '{spec.Architecture}' needs images (C, H, W), got features [{string.Join(", ", spec.InputShape)}]; use --model mlp");
        var (c, h, w) = (spec.InputShape[0], spec.InputShape[1], spec.InputShape[2]);
        if (h < minSide || w < minSide)
            throw new ArgumentException($"model '{spec.Architecture}' needs images of at least {minSide}x{minSide}, got {h}x{w}; resize them (--resize) or choose another model");
        return (c, h, w);
    }
}
