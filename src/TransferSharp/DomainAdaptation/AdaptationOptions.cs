using System.Text.Json.Serialization;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// Settings of <see cref="DomainAdaptationTrainer"/>: the shared trainer settings, the shared network shape, and the
/// method with its own settings (<see cref="Method"/>). The defaults are those measured in bench/dann.md: a batch-norm
/// bottleneck, Adam 1e-3 with the paper's inverse decay, 64 + 64 examples per step, and AdaBN, the method that gained
/// over source-only training on every pair measured (seven digit pairs, not one) with the smallest seed spread.
/// </summary>
public sealed record AdaptationOptions : TrainerOptions
{
    /// <summary>The defaults: batch 64 per domain, Adam at 1e-3, the paper's μ0/(1 + 10p)^0.75 decay, AdaBN.</summary>
    public AdaptationOptions()
    {
        BatchSize = 64;
        LearningRate = 1e-3;
        Schedule = ScheduleKind.InverseDecay;
    }

    /// <summary>
    /// The method and its settings, e.g. <c>new Dann.Options { ReversalCoefficient = 1 }</c>. Default
    /// <see cref="AdaBn"/> at its defaults (<see cref="AdaptationMethods.Default"/>; until 2026-12-06 it was <see cref="Cdan"/>).
    /// </summary>
    [JsonIgnore]
    public AdaptationMethodOptions Method { get; init; } = new AdaBn.Options();

    // Serialised as its runtime type, so metrics.json shows the method's own settings.
    [JsonInclude, JsonPropertyName("method"), JsonPropertyOrder(-1)]
    private object MethodSettings => Method;

    /// <summary>Steps per epoch; null = one pass over the larger of the two training sets (the smaller is cycled).</summary>
    public int? StepsPerEpoch { get; init; }

    /// <summary>Width of a Linear + BatchNorm + ReLU bottleneck between the features and the head; 0 = none. Default 256.</summary>
    public int Bottleneck { get; init; } = 256;

    /// <summary>Which epoch's weights are kept: the last (default), or the best by a label-free validator. Never by target labels.</summary>
    public ModelSelection Select { get; init; } = ModelSelection.Last;

    /// <summary>Unlabelled target training examples (a seeded random sample) the label-free validators score after every epoch,
    /// and as many source training examples for DEV's domain classifier; 0 = none (no validator scores, and only
    /// <see cref="ModelSelection.Last"/> or <see cref="ModelSelection.SourceAccuracy"/> can select). Default 1000 (SND
    /// keeps an N × N matrix).</summary>
    public int ValidatorExamples { get; init; } = 1000;

    /// <summary>Names every bad field: the shared ones, then the method's as <c>Method.Field</c>.</summary>
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = base.Validate().ToList();
        if (BatchSize == 1) e.Add(new(nameof(BatchSize), $"batch size must be at least 2, got {BatchSize}"));
        if (StepsPerEpoch is < 1) e.Add(new(nameof(StepsPerEpoch), $"steps per epoch must be at least 1, got {StepsPerEpoch}"));
        if (Bottleneck < 0) e.Add(new(nameof(Bottleneck), $"bottleneck must be 0 (none) or positive, got {Bottleneck}"));
        if (!Enum.IsDefined(Select)) e.Add(new(nameof(Select), $"selection {Select} is unknown"));
        if (ValidatorExamples is < 0 or 1 or > 20000) e.Add(new(nameof(ValidatorExamples), $"validator examples must be 0 (off) or 2 to 20000, got {ValidatorExamples}"));
        if (ValidatorExamples == 0 && Select is ModelSelection.Entropy or ModelSelection.Snd or ModelSelection.Im or ModelSelection.Dev)
            e.Add(new(nameof(Select), $"selection by {Select} needs target examples to score (validator examples is 0)"));
        if (Method is null) e.Add(new(nameof(Method), "a method is required"));
        else e.AddRange(InvalidOptionsException.Nest(nameof(Method), Method.Validate()));
        return e;
    }
}
