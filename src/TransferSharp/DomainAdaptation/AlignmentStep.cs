using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// The step of the methods that add one alignment term to the source cross-entropy (DANN, CDAN, MMD, CORAL):
/// f = G([x_s; x_t]) <c>(2B, F)</c>, logits = C(f) <c>(2B, K)</c>,
/// L = CE(logits_s, y_s) + alignment(f, logits) [+ w·H(softmax(logits_t))], one backward, one optimiser over the
/// network's parameters and then the method's own (a discriminator).
/// </summary>
/// <remarks>
/// Source and target go through the network together, so a batch-norm bottleneck normalises them with shared batch
/// statistics (part of what these methods gain, see bench/dann.md). Logged per step: "classification" (source CE),
/// "alignment" (the unweighted alignment loss), "entropy" (mean target prediction entropy, whatever its weight).
/// </remarks>
internal abstract class AlignmentStep : ITrainingStep<AdaptationBatch>, IDisposable
{
    private readonly double entropyWeight;
    private readonly Module[] own;

    /// <summary>A step on <paramref name="network"/>; <paramref name="ownModules"/> are the method's modules (trained and
    /// disposed with the step), created before this constructor runs.</summary>
    protected AlignmentStep(AdaptationNetwork network, double entropyWeight, params Module[] ownModules)
    {
        Network = network;
        this.entropyWeight = entropyWeight;
        own = ownModules;
        foreach (var m in own) m.MoveTo(Devices.Of(network));   // before their parameters are collected
        // Network parameters first, then the method's: the optimiser's order, as before methods were separate files.
        var parameters = network.parameters().Concat(ownModules.SelectMany(m => m.parameters())).Where(p => p.requires_grad).ToArray();
        Phases = [new TrainingPhase("all", [new ParameterGroupSpec(parameters)])];
    }

    /// <summary>The network being adapted.</summary>
    protected AdaptationNetwork Network { get; }

    public IReadOnlyList<TrainingPhase> Phases { get; }

    public void SetTraining(bool training)
    {
        Network.train(training);
        foreach (var m in own) m.train(training);
    }

    public StepOutcome Run(AdaptationBatch batch, StepContext context)
    {
        var optimizer = context.Optimizers[0];
        optimizer.zero_grad();
        var xt = batch.TargetInputs ?? throw new ArgumentException("this method needs a target batch");
        long b = batch.Inputs.shape[0];
        var f = Network.Features(cat([batch.Inputs, xt], 0));                            // (Bs + Bt, F)
        var logits = Network.Classify(f);                                                 // (Bs + Bt, K)
        var logitsS = logits.narrow(0, 0, b);
        var logitsT = logits.narrow(0, b, logits.shape[0] - b);
        var ce = functional.cross_entropy(logitsS, batch.Labels);
        var extra = new Dictionary<string, double>();
        var alignment = Alignment(f, logits, b, context.Progress, extra);
        var entropy = Losses.Entropy.Mean(logitsT);
        var loss = ce + alignment;
        if (entropyWeight > 0) loss = loss + entropyWeight * entropy;
        double classification = ce.item<float>();
        extra["classification"] = classification;
        extra["entropy"] = entropy.item<float>();
        loss.backward();
        optimizer.step();
        return new StepOutcome(classification, b, logitsS.argmax(1).eq(batch.Labels).sum().item<long>(), extra);
    }

    /// <summary>
    /// The weighted alignment term for features <c>(2B, F)</c> and logits <c>(2B, K)</c>, source rows first
    /// (<paramref name="sourceCount"/> of them), at training progress <paramref name="progress"/>; records its unweighted
    /// value as "alignment" (and any diagnostics) in <paramref name="extra"/>.
    /// </summary>
    protected abstract Tensor Alignment(Tensor features, Tensor logits, long sourceCount, double progress, IDictionary<string, double> extra);

    public void Dispose()
    {
        foreach (var m in own) m.Dispose();
    }
}

/// <summary>Settings shared by MMD and CORAL: a loss weight on a schedule, and the optional target-entropy term.</summary>
public abstract record WeightedAlignmentOptions : AdaptationMethodOptions
{
    /// <summary>Settings of <paramref name="method"/> (MMD or CORAL).</summary>
    protected WeightedAlignmentOptions(IAdaptationMethod method) : base(method) { }

    /// <summary>Cap of the alignment loss weight: the schedule's value is multiplied by this. Default 0.3.</summary>
    public double AlignmentWeight { get; init; } = 0.3;
    /// <summary>Shape of the weight over training. Default <see cref="AdaptationSchedule.Ganin"/>.</summary>
    public AdaptationSchedule WeightSchedule { get; init; } = AdaptationSchedule.Ganin;
    /// <summary>γ of the Ganin schedule. Default 10.</summary>
    public double WeightGamma { get; init; } = 10;
    /// <summary>Weight of the target prediction entropy in the loss; 0 = off. Default 0.</summary>
    public double EntropyWeight { get; init; }
    /// <summary>Fraction of the run's progress during which the alignment weight is 0 (source training only); its
    /// schedule starts when it ends. In [0, 1); 0 = off. Default 0.</summary>
    public double WarmupFraction { get; init; }

    /// <summary>The alignment loss weight at progress <paramref name="p"/>.</summary>
    public override double CoefficientAt(double p) => AdaptationRamp.At(WeightSchedule, AlignmentWeight, WeightGamma, p, WarmupFraction);

    /// <inheritdoc />
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (!(AlignmentWeight >= 0) || double.IsInfinity(AlignmentWeight))
            e.Add(new(nameof(AlignmentWeight), $"alignment weight must be non-negative, got {AlignmentWeight}"));
        if (!Enum.IsDefined(WeightSchedule)) e.Add(new(nameof(WeightSchedule), $"weight schedule {WeightSchedule} is unknown"));
        if (!(WeightGamma > 0)) e.Add(new(nameof(WeightGamma), $"weight gamma must be positive, got {WeightGamma}"));
        if (!(EntropyWeight >= 0) || double.IsInfinity(EntropyWeight))
            e.Add(new(nameof(EntropyWeight), $"entropy weight must be non-negative, got {EntropyWeight}"));
        if (AdaptationRamp.CheckWarmup(WarmupFraction) is { } w) e.Add(w);
        return e;
    }
}
