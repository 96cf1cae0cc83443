using TorchSharp.Modules;
using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>Settings shared by <see cref="ShotIm"/> and <see cref="Shot"/>: the source phase and the information
/// maximisation of the source-free phase.</summary>
public abstract record SourceFreeOptions : AdaptationMethodOptions
{
    /// <summary>Settings of <paramref name="method"/> (SHOT-IM or SHOT).</summary>
    protected SourceFreeOptions(IAdaptationMethod method) : base(method) { }

    /// <summary>Fraction of the run's steps spent on source training before the source-free phase. Default 0.5.</summary>
    public double SourceFraction { get; init; } = 0.5;
    /// <summary>Weight w of the diversity term H(mean p) (SHOT: 1). Default 1.</summary>
    public double DiversityWeight { get; init; } = 1;
    /// <summary>Label smoothing ε of the source cross-entropy (SHOT: 0.1). Default 0.1.</summary>
    public double LabelSmoothing { get; init; } = 0.1;
    /// <summary>
    /// Train the first phase as <see cref="Cdan"/> at its defaults (source cross-entropy, no label smoothing, plus the
    /// conditional adversarial term on the target batches, its λ schedule over the whole run's progress) instead of on
    /// the source alone, so the source-free phase starts from an aligned model. The second phase is unchanged (target
    /// batches only). Default false.
    /// </summary>
    public bool AlignedSourcePhase { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (!(SourceFraction > 0 && SourceFraction < 1)) e.Add(new(nameof(SourceFraction), $"source fraction must be in (0, 1), got {SourceFraction}"));
        if (!(DiversityWeight >= 0) || double.IsInfinity(DiversityWeight))
            e.Add(new(nameof(DiversityWeight), $"diversity weight must be non-negative, got {DiversityWeight}"));
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) e.Add(new(nameof(LabelSmoothing), $"label smoothing must be in [0, 1), got {LabelSmoothing}"));
        return e;
    }
}

/// <summary>
/// The two phases of SHOT-style methods, split at progress <see cref="SourceFreeOptions.SourceFraction"/>: (1) the
/// whole network on label-smoothed source cross-entropy ("source" optimiser phase); (2) the head frozen, the rest
/// adapted by <see cref="Adapt"/> on the target batch alone ("adaptation" phase: every parameter but the head's).
/// </summary>
internal abstract class SourceFreeStep : ITrainingStep<AdaptationBatch>, IDisposable
{
    private readonly SourceFreeOptions options;
    private readonly AdversarialStep? aligned;   // phase 1 as CDAN (AlignedSourcePhase); owns its discriminator

    protected SourceFreeStep(AdaptationNetwork network, SourceFreeOptions options)
    {
        Network = network;
        this.options = options;
        // AdaptationNetwork's field names are its state-dict keys: "head." is the hypothesis, frozen in phase 2.
        var named = network.named_parameters().Where(p => p.parameter.requires_grad).ToArray();
        var all = named.Select(p => p.parameter).ToArray();
        var features = named.Where(p => !p.name.StartsWith("head.", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        // The aligned phase 1 trains the network's parameters and then the discriminator's (its own single phase).
        aligned = options.AlignedSourcePhase ? new AdversarialStep(network, new Cdan.Options(), conditional: true) : null;
        var source = aligned?.Phases[0].Groups ?? [new ParameterGroupSpec(all)];
        Phases = [new TrainingPhase("source", source), new TrainingPhase("adaptation", [new ParameterGroupSpec(features)])];
    }

    /// <summary>The network being adapted.</summary>
    protected AdaptationNetwork Network { get; }

    public IReadOnlyList<TrainingPhase> Phases { get; }

    public void SetTraining(bool training)
    {
        Network.train(training);
        aligned?.SetTraining(training);
    }

    public StepOutcome Run(AdaptationBatch batch, StepContext context)
    {
        if (context.Progress >= options.SourceFraction)
        {
            var xt = batch.TargetInputs ?? throw new ArgumentException("a source-free method needs a target batch");
            // Phase 2 is handed the target batch only: batch.Inputs and batch.Labels (the source) are not read.
            var (loss, extra) = Adapt(xt, context.Optimizers[1]);
            return new StepOutcome(loss, xt.shape[0], 0, extra) { Predictions = 0 };
        }
        if (aligned is not null) return aligned.Run(batch, context);   // CDAN's step on context.Optimizers[0]
        var optimizer = context.Optimizers[0];
        optimizer.zero_grad();
        var logits = Network.call(batch.Inputs);                                           // (B, K)
        var ce = functional.cross_entropy(logits, batch.Labels, label_smoothing: options.LabelSmoothing);
        double classification = ce.item<float>();
        ce.backward();
        optimizer.step();
        return new StepOutcome(classification, batch.Inputs.shape[0], logits.argmax(1).eq(batch.Labels).sum().item<long>(),
            new Dictionary<string, double> { ["classification"] = classification });
    }

    /// <summary>One source-free update on the target batch <paramref name="targetInputs"/> <c>(B, ...)</c> with
    /// <paramref name="optimizer"/> (every parameter but the head's); returns the loss and the values to log.</summary>
    protected abstract (double Loss, IReadOnlyDictionary<string, double> Extra) Adapt(Tensor targetInputs, OptimizerHelper optimizer);

    public virtual void Dispose() => aligned?.Dispose();
}

/// <summary>
/// A step that reads the whole unlabelled target training set (SHOT's pseudo-labels are clustered over it): the
/// trainer hands it over before the first step. Never the target's labels: the set given has none.
/// </summary>
internal interface IUnlabelledTargetSet
{
    /// <summary>Gives the step the unlabelled target training set.</summary>
    void SetTarget(Dataset unlabelledTarget);
}
