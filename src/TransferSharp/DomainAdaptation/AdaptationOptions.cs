using System.Text.Json.Serialization;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>What a <see cref="DomainAdaptationTrainer"/> trains.</summary>
public enum AdaptationMethod
{
    /// <summary>Cross-entropy on the labelled source only: the lower bound.</summary>
    SourceOnly,
    /// <summary>Domain-adversarial training through a gradient reversal layer (Ganin &amp; Lempitsky 2015).</summary>
    Dann,
    /// <summary>Multi-kernel MMD between source and target features (DAN, Long et al. 2015).</summary>
    Mmd,
    /// <summary>Deep CORAL: covariance alignment (Sun &amp; Saenko 2016).</summary>
    Coral,
    /// <summary>Cross-entropy on the labelled target training set: the upper bound (uses target labels).</summary>
    TargetOnly,
}

/// <summary>How the adaptation weight λ moves with training progress p.</summary>
public enum AdaptationSchedule
{
    /// <summary>Ganin &amp; Lempitsky's λ(p) = 2/(1 + exp(−γp)) − 1: 0 at the start, near 1 at the end.</summary>
    Ganin,
    /// <summary>λ = 1 throughout (then scaled by <see cref="AdaptationOptions.MaxLambda"/>).</summary>
    Constant,
}

/// <summary>
/// Settings of <see cref="DomainAdaptationTrainer"/>. The defaults are the configuration measured in bench/dann.md to
/// gain over source-only training on MNIST → MNIST-M and MNIST → optdigits within a short CPU budget: a batch-norm
/// bottleneck, a wide batch-norm discriminator conditioned on the predictions (CDAN), the paper's warm-up of λ capped
/// at 0.3, Adam. The paper's own settings (no bottleneck, a 100-unit discriminator, λ up to 1) need thousands of
/// steps and hurt in short runs.
/// </summary>
public sealed record AdaptationOptions
{
    /// <summary>Default <see cref="AdaptationMethod.Dann"/>.</summary>
    public AdaptationMethod Method { get; init; } = AdaptationMethod.Dann;
    /// <summary>Epochs. Default 10.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Steps per epoch; null = one pass over the larger of the two training sets (the smaller is cycled).</summary>
    public int? StepsPerEpoch { get; init; }
    /// <summary>Examples per domain per step: every step draws this many source and this many target examples. Default 64.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Optimiser. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Base learning rate μ0. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>SGD momentum. Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Weight decay. Default 0.</summary>
    public double WeightDecay { get; init; }
    /// <summary>Learning-rate schedule; default the paper's μ0/(1 + 10p)^0.75.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.InverseDecay;
    /// <summary>Shape of λ(p). Default <see cref="AdaptationSchedule.Ganin"/>.</summary>
    public AdaptationSchedule LambdaSchedule { get; init; } = AdaptationSchedule.Ganin;
    /// <summary>γ of the Ganin schedule. Default 10.</summary>
    public double LambdaGamma { get; init; } = 10;
    /// <summary>Cap on λ: the schedule's value is multiplied by this (1 = the paper). Default 0.3.</summary>
    public double MaxLambda { get; init; } = 0.3;
    /// <summary>Overrides the λ schedule entirely: λ = f(p). Not serialised.</summary>
    [JsonIgnore]
    public Func<double, double>? LambdaOverride { get; init; }
    /// <summary>Width of a Linear + BatchNorm + ReLU bottleneck between the features and the head; 0 = none. Default 256.</summary>
    public int Bottleneck { get; init; } = 256;
    /// <summary>Hidden units of each discriminator layer. Default 1024 (the paper: 100).</summary>
    public int DiscriminatorWidth { get; init; } = 1024;
    /// <summary>Hidden layers of the discriminator. Default 2 (the paper: 1).</summary>
    public int DiscriminatorLayers { get; init; } = 2;
    /// <summary>Batch norm in the discriminator's hidden layers. Default true.</summary>
    public bool DiscriminatorBatchNorm { get; init; } = true;
    /// <summary>
    /// Condition the discriminator on the class predictions (CDAN's multilinear map, Long et al. 2018). Default true:
    /// on MNIST → MNIST-M it took a 300-step run from +10 to +23 points over source only (bench/dann.md).
    /// </summary>
    public bool Conditional { get; init; } = true;
    /// <summary>Weight of the target prediction entropy in the loss; 0 = off. Default 0.</summary>
    public double EntropyWeight { get; init; }
    /// <summary>Seeds initialisation and shuffles. Default 0.</summary>
    public int Seed { get; init; }
    /// <summary>CPU threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (!Enum.IsDefined(Method)) e.Add($"method {Method} is unknown");
        if (Epochs < 1) e.Add($"epochs must be at least 1, got {Epochs}");
        if (StepsPerEpoch is < 1) e.Add($"steps per epoch must be at least 1, got {StepsPerEpoch}");
        if (BatchSize < 2) e.Add($"batch size must be at least 2, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) e.Add($"learning rate must be positive, got {LearningRate}");
        if (Momentum is < 0 or >= 1) e.Add($"momentum must be in [0, 1), got {Momentum}");
        if (WeightDecay < 0) e.Add($"weight decay must be non-negative, got {WeightDecay}");
        if (!(LambdaGamma > 0)) e.Add($"lambda gamma must be positive, got {LambdaGamma}");
        if (!(MaxLambda >= 0) || double.IsInfinity(MaxLambda)) e.Add($"max lambda must be non-negative, got {MaxLambda}");
        if (Bottleneck < 0) e.Add($"bottleneck must be 0 (none) or positive, got {Bottleneck}");
        if (DiscriminatorWidth < 1) e.Add($"discriminator width must be positive, got {DiscriminatorWidth}");
        if (DiscriminatorLayers < 1) e.Add($"discriminator layers must be at least 1, got {DiscriminatorLayers}");
        if (!(EntropyWeight >= 0) || double.IsInfinity(EntropyWeight)) e.Add($"entropy weight must be non-negative, got {EntropyWeight}");
        if (Threads < 0) e.Add($"threads must be non-negative, got {Threads}");
        return e;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void ThrowIfInvalid()
    {
        var e = Validate();
        if (e.Count > 0) throw new ArgumentException(string.Join("; ", e));
    }

    /// <summary>The adaptation weight λ at progress <paramref name="p"/> in [0, 1].</summary>
    public double LambdaAt(double p)
    {
        if (LambdaOverride is { } f) return f(Math.Clamp(p, 0, 1));
        double shape = LambdaSchedule == AdaptationSchedule.Constant ? 1 : Schedules.AdaptationWeight(p, LambdaGamma);
        return MaxLambda * shape;
    }
}
