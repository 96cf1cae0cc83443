using TransferSharp.Losses;
using TransferSharp.Modules;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// DANN, domain-adversarial training (Ganin &amp; Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", ICML
/// 2015; JMLR 2016): a domain discriminator D learns to tell source features from target features, and a gradient
/// reversal layer R_λ between the features and D trains the features to fool it.
/// </summary>
/// <remarks>
/// L = CE(C(f_s), y_s) + BCE(D(R_λ(f)), domain) with f = G([x_s; x_t]); D minimises the domain loss at full weight,
/// the features receive −λ times its gradient. λ = <see cref="AdversarialOptions.ReversalCoefficient"/> ·
/// (2/(1 + e^(−γp)) − 1), set on the <see cref="GradientReversal"/> module at every step. <see cref="Cdan"/> is the same
/// with D conditioned on the predictions.
/// </remarks>
public sealed class Dann : AdaptationMethod<Dann.Options>
{
    /// <summary>The method.</summary>
    public static Dann Method { get; } = new();

    private Dann() { }

    /// <summary>DANN's settings.</summary>
    public sealed record Options : AdversarialOptions
    {
        /// <summary>Dann's defaults.</summary>
        public Options() : base(Dann.Method) { }
    }

    /// <inheritdoc />
    public override string Name => "dann";
    /// <inheritdoc />
    public override string Description => "domain-adversarial training through a gradient reversal layer (Ganin & Lempitsky 2015)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => true;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) =>
        new AdversarialStep(network, options, conditional: false);
}

/// <summary>Settings shared by <see cref="Dann"/> and <see cref="Cdan"/>: the reversal coefficient's schedule and the discriminator.</summary>
public abstract record AdversarialOptions : AdaptationMethodOptions
{
    /// <summary>Settings of <paramref name="method"/> (DANN or CDAN).</summary>
    protected AdversarialOptions(IAdaptationMethod method) : base(method) { }

    /// <summary>
    /// Cap of the gradient reversal coefficient λ: the schedule's value is multiplied by this (1 = the paper). The
    /// features receive −λ times the domain loss's gradient; the discriminator always learns at full weight. Default 0.3.
    /// </summary>
    public double ReversalCoefficient { get; init; } = 0.3;
    /// <summary>Shape of λ over training. Default <see cref="AdaptationSchedule.Ganin"/>.</summary>
    public AdaptationSchedule ReversalSchedule { get; init; } = AdaptationSchedule.Ganin;
    /// <summary>γ of the Ganin schedule. Default 10.</summary>
    public double ReversalGamma { get; init; } = 10;
    /// <summary>Hidden units of each discriminator layer. Default 1024 (the paper: 100).</summary>
    public int DiscriminatorWidth { get; init; } = 1024;
    /// <summary>Hidden layers of the discriminator. Default 2 (the paper: 1).</summary>
    public int DiscriminatorLayers { get; init; } = 2;
    /// <summary>Batch norm in the discriminator's hidden layers. Default true.</summary>
    public bool DiscriminatorBatchNorm { get; init; } = true;
    /// <summary>Weight of the target prediction entropy in the loss; 0 = off. Default 0.</summary>
    public double EntropyWeight { get; init; }
    /// <summary>
    /// Fraction of the run's progress during which λ = 0 (source training, the discriminator still learning but no
    /// gradient reaching the features); λ's schedule starts when it ends. In [0, 1); 0 = off. Why: with a source slow to
    /// fit (synthetic digits → MNIST), the reversed gradient from the first steps kept CDAN's classifier from ever
    /// learning the source (bench/dann.md). Default 0.
    /// </summary>
    public double WarmupFraction { get; init; }

    /// <summary>The reversal coefficient λ at progress <paramref name="p"/>.</summary>
    public override double CoefficientAt(double p) => AdaptationRamp.At(ReversalSchedule, ReversalCoefficient, ReversalGamma, p, WarmupFraction);

    /// <inheritdoc />
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (!(ReversalCoefficient >= 0) || double.IsInfinity(ReversalCoefficient))
            e.Add(new(nameof(ReversalCoefficient), $"reversal coefficient must be non-negative, got {ReversalCoefficient}"));
        if (!Enum.IsDefined(ReversalSchedule)) e.Add(new(nameof(ReversalSchedule), $"reversal schedule {ReversalSchedule} is unknown"));
        if (!(ReversalGamma > 0)) e.Add(new(nameof(ReversalGamma), $"reversal gamma must be positive, got {ReversalGamma}"));
        if (DiscriminatorWidth < 1) e.Add(new(nameof(DiscriminatorWidth), $"discriminator width must be positive, got {DiscriminatorWidth}"));
        if (DiscriminatorLayers < 1) e.Add(new(nameof(DiscriminatorLayers), $"discriminator layers must be at least 1, got {DiscriminatorLayers}"));
        if (!(EntropyWeight >= 0) || double.IsInfinity(EntropyWeight))
            e.Add(new(nameof(EntropyWeight), $"entropy weight must be non-negative, got {EntropyWeight}"));
        if (AdaptationRamp.CheckWarmup(WarmupFraction) is { } w) e.Add(w);
        return e;
    }
}

/// <summary>
/// DANN's and CDAN's alignment term: the domain loss of the discriminator on reversed features (conditional: on the
/// multilinear map features ⊗ predictions). Logs "alignment" (the domain BCE) and "domain_accuracy".
/// </summary>
internal sealed class AdversarialStep : AlignmentStep
{
    private readonly AdversarialOptions options;
    private readonly bool conditional;
    private readonly GradientReversal reversal;
    private readonly DomainDiscriminator discriminator;

    public AdversarialStep(AdaptationNetwork network, AdversarialOptions options, bool conditional)
        : this(network, options, conditional, new DomainDiscriminator(
            conditional ? network.FeatureCount * network.ClassCount : network.FeatureCount,
            options.DiscriminatorWidth, options.DiscriminatorLayers, options.DiscriminatorBatchNorm))
    {
    }

    // The discriminator is built after the network (the order of draws from the seeded generator) and trained after it.
    private AdversarialStep(AdaptationNetwork network, AdversarialOptions options, bool conditional, DomainDiscriminator discriminator)
        : base(network, options.EntropyWeight, discriminator)
    {
        this.options = options;
        this.conditional = conditional;
        this.discriminator = discriminator;
        reversal = new GradientReversal();
    }

    protected override Tensor Alignment(Tensor f, Tensor logits, long b, double progress, IDictionary<string, double> extra)
    {
        reversal.Lambda = options.CoefficientAt(progress);
        var input = conditional ? DomainAdversarial.ConditionOnPredictions(f, functional.softmax(logits, 1)) : f;   // (2B, F·K) or (2B, F)
        var d = discriminator.call(reversal.call(input));                                  // (2B, 1)
        var ds = d.narrow(0, 0, b);
        var dt = d.narrow(0, b, d.shape[0] - b);
        var loss = DomainAdversarial.Loss(ds, dt);
        extra["alignment"] = loss.item<float>();
        extra["domain_accuracy"] = DomainAdversarial.Accuracy(ds, dt);
        // The discriminator learns at full weight; the reversal layer alone scales what reaches the features.
        return loss;
    }
}
