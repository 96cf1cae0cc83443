using System.ComponentModel;
using TransferSharp.Data;
using TransferSharp.Models;

namespace TransferSharp.Cli.Settings;

/// <summary>Training settings of a command that builds a network from a <see cref="ModelZoo"/> architecture.</summary>
internal class ModelSettings : TrainerSettings
{
    [CommandOption("-m|--model <MODEL>")]
    [Field("Architecture")]
    [Description("Architecture: lenet (default), mlp, cnn, resnet18 or resnet18-mlnet.")]
    public string Model { get; init { field = value; Mark(); } } = "lenet";

    public override ValidationResult Validate() => Then(base.Validate(),
        ModelZoo.Architectures.Contains(Model) ? null : $"--model '{Model}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})");
}

/// <summary>A <see cref="ModelSettings"/> command trained on one <c>--data</c> set.</summary>
internal class ModelDataSettings : ModelSettings
{
    [CommandOption("-d|--data <DATA>")]
    [Description("Built-in name (transfer datasets list) or path (IDX images file, image folder, CSV), optionally with :classes, e.g. mnist:0-4.")]
    public string? Data { get; init; }

    public override ValidationResult Validate() => Then(base.Validate(), string.IsNullOrWhiteSpace(Data) ? "--data is required" : null);

    /// <summary>The <c>--data</c> set, shaped by the image settings.</summary>
    public Dataset LoadData() => Load(Data!);
}

/// <summary>A <see cref="ModelDataSettings"/> command that holds out a test part and a validation part of every class.</summary>
internal class SplitSettings : ModelDataSettings
{
    [CommandOption("--test-fraction <F>")]
    [Description("Fraction of every class held out for the final test. Default 0.2.")]
    public double TestFraction { get; init { field = value; Mark(); } } = 0.2;

    [CommandOption("--validation-fraction <F>")]
    [Description("Fraction of the rest used for per-epoch validation (before any shots are drawn). Default 0.1.")]
    public double ValidationFraction { get; init { field = value; Mark(); } } = 0.1;

    public override ValidationResult Validate() => Then(base.Validate(),
        TestFraction is <= 0 or >= 1 ? $"--test-fraction must be in (0, 1), got {TestFraction}"
        : ValidationFraction is < 0 or >= 1 ? $"--validation-fraction must be in [0, 1), got {ValidationFraction}" : null);
}
