namespace TransferSharp.Models;

/// <summary>Builds the built-in architectures from a <see cref="ModelSpec"/>.</summary>
public static class ModelZoo
{
    /// <summary>The architecture names <see cref="Create"/> knows.</summary>
    public static readonly IReadOnlyList<string> Architectures = ["lenet", "mlp", "cnn", "resnet18", "resnet18-mlnet"];

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

    internal static (long C, long H, long W) ImageShape(ModelSpec spec, int minSide)
    {
        if (spec.InputShape.Length != 3)
            throw new ArgumentException($"model '{spec.Architecture}' needs images (C, H, W), got features [{string.Join(", ", spec.InputShape)}]; use --model mlp");
        var (c, h, w) = (spec.InputShape[0], spec.InputShape[1], spec.InputShape[2]);
        if (h < minSide || w < minSide)
            throw new ArgumentException($"model '{spec.Architecture}' needs images of at least {minSide}x{minSide}, got {h}x{w}; resize them (--resize) or choose another model");
        return (c, h, w);
    }
}
