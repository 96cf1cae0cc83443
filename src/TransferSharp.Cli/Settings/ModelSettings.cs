using TransferSharp.Data;
using TransferSharp.Models;

namespace TransferSharp.Cli.Settings;

/// <summary>Training settings of a command that builds a network from a <see cref="ModelZoo"/> architecture.</summary>
internal class ModelSettings : TrainerSettings
{
    /// <summary>The architecture when <c>--model</c> is not given.</summary>
    protected virtual string DefaultModel => "lenet";

    [CommandOption("-m|--model <MODEL>"), Field("Architecture")]
    [Description("Architecture: lenet, mlp, cnn, resnet18 or resnet18-mlnet. Default: the command's.")]
    public string Model { get => model ?? DefaultModel; init { model = value; Mark(); } }
    private string? model;

    public override string? HelpDefault(string property) => property == nameof(Model) ? DefaultModel : base.HelpDefault(property);

    public override ValidationResult Validate() => Then(base.Validate(),
        ModelZoo.Architectures.Contains(Model) ? null : $"--model '{Model}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})");
}

/// <summary>
/// A <see cref="ModelSettings"/> command that holds out a test part and a validation part of every class; a fraction not
/// given is the command's own (<see cref="DefaultTestFraction"/>, <see cref="DefaultValidationFraction"/>).
/// </summary>
internal class SplitSettings : ModelSettings
{
    protected virtual double DefaultTestFraction => 0.2;
    protected virtual double DefaultValidationFraction => 0.1;
    /// <summary>False for a command that keeps no validation part: <c>--validation-fraction</c> is then refused.</summary>
    protected virtual bool Validates => true;
    /// <summary>Whether the command stops early on validation accuracy (<c>--patience</c>).</summary>
    protected virtual bool StopsEarly => false;
    /// <summary>Whether the command can stream an image folder from disk (<c>--stream</c>, <c>--decode-threads</c>).</summary>
    protected virtual bool Streams => false;
    /// <summary>Whether the command's epochs are a step count of their own (<c>--steps-per-epoch</c>).</summary>
    protected virtual bool CountsSteps => false;

    [CommandOption("--test-fraction <F>")]
    [Description("Fraction of every class held out for the final test (adapt: of the target; zeroshot: of the seen classes). Default: the command's.")]
    public double TestFraction { get => testFraction ?? DefaultTestFraction; init { testFraction = value; Mark(); } }
    private double? testFraction;

    [CommandOption("--validation-fraction <F>")]
    [Description("Fraction of the rest used for per-epoch validation, before any shots are drawn (adapt: of the source). Default: the command's.")]
    public double ValidationFraction { get => validationFraction ?? DefaultValidationFraction; init { validationFraction = value; Mark(); } }
    private double? validationFraction;

    [CommandOption("--patience <N>")]
    [Description("Stop after N epochs without a better validation accuracy (the best epoch's weights are kept); 0 = off. Default 0.")]
    public int? Patience { get; init { field = value; Mark(); } }

    [CommandOption("--stream")]
    [Description("Stream the image folder (the PATH of --data or --target) from disk: background threads decode and resize the next batches; memory stays bounded. Validation and test parts are streamed too.")]
    public bool Stream { get; init { field = value; if (value) Mark(); } }   // the parser sets every flag, given or not

    [CommandOption("--decode-threads <N>")]
    [Description("With --stream: image decode threads. Default half the cores (1 to 8).")]
    public int? DecodeThreads { get; init { field = value; Mark(); } }

    [CommandOption("--steps-per-epoch <N>")]
    [Description("Steps per epoch; 0 = one pass (adapt: over the larger domain's training set; multitask: over every task's batches, the largest task's with --sampling all). Default 0.")]
    public int? StepsPerEpoch { get; init { field = value; Mark(); } }

    public override string? HelpDefault(string property) => property switch
    {
        nameof(TestFraction) => $"{DefaultTestFraction}",
        nameof(ValidationFraction) => $"{DefaultValidationFraction}",
        _ => base.HelpDefault(property),
    };

    public override bool Applies(string property) => property switch
    {
        nameof(ValidationFraction) => Validates,
        nameof(Patience) => StopsEarly,
        nameof(Stream) or nameof(DecodeThreads) => Streams,
        nameof(StepsPerEpoch) => CountsSteps,
        _ => base.Applies(property),
    };

    public override ValidationResult Validate() => Then(base.Validate(),
        TestFraction is not (> 0 and < 1) ? $"--test-fraction must be in (0, 1), got {TestFraction}"
        : ValidationFraction is not (>= 0 and < 1) ? $"--validation-fraction must be in [0, 1), got {ValidationFraction}" : null);
}

/// <summary>A <see cref="SplitSettings"/> command trained on one <c>--data</c> set.</summary>
internal class ModelDataSettings : SplitSettings
{
    [CommandOption("-d|--data <DATA>")]
    [Description("Built-in name (transfer datasets list) or path (IDX images file, image folder, CSV), optionally with :classes, e.g. mnist:0-4.")]
    public string? Data { get; init; }

    public override ValidationResult Validate() => Then(base.Validate(), string.IsNullOrWhiteSpace(Data) ? "--data is required" : null);

    /// <summary>The <c>--data</c> set, shaped by the image settings.</summary>
    public Dataset LoadData() => Load(Data!);
}
