using TorchSharp.Modules;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// SHOT-IM, source-free adaptation by information maximisation (Liang et al., "Do We Really Need to Access the Source
/// Data? Source Hypothesis Transfer for Unsupervised Domain Adaptation", ICML 2020), without SHOT's pseudo-labels.
/// </summary>
/// <remarks>
/// <para>Two phases in one run, split at training progress <see cref="Options.SourceFraction"/>:</para>
/// <para>(1) source training: the whole network on label-smoothed source cross-entropy (SHOT's ε = 0.1);</para>
/// <para>(2) source-free adaptation: the head (the "hypothesis") is frozen and the feature stages and bottleneck minimise
/// L_IM = mean_i H(p_i) − w·H(mean_i p_i) on target batches alone (<see cref="AdaptStep"/>, which is handed the network
/// and the target batch and nothing else): each target prediction confident, the predictions together spread over the
/// classes. The target batches go through the batch-norm bottleneck alone, so its statistics become the target's.</para>
/// <para>Not the paper's: no weight normalisation of the head, Adam on the library's schedule rather than SGD, and the
/// source phase shares the run's step budget. Logged: "classification" (phase 1), "alignment" = L_IM and "entropy"
/// (phase 2). The training accuracy of phase-2 steps is not defined (no labels are read): NaN for an all-phase-2 epoch.</para>
/// </remarks>
public sealed class ShotIm : AdaptationMethod<ShotIm.Options>
{
    /// <summary>The method.</summary>
    public static ShotIm Method { get; } = new();

    private ShotIm() { }

    /// <summary>SHOT-IM's settings.</summary>
    public sealed record Options : AdaptationMethodOptions
    {
        /// <summary>ShotIm's defaults.</summary>
        public Options() : base(ShotIm.Method) { }

        /// <summary>Fraction of the run's steps spent on source training before the source-free phase. Default 0.5.</summary>
        public double SourceFraction { get; init; } = 0.5;
        /// <summary>Weight w of the diversity term H(mean p) (SHOT: 1). Default 1.</summary>
        public double DiversityWeight { get; init; } = 1;
        /// <summary>Label smoothing ε of the source cross-entropy (SHOT: 0.1). Default 0.1.</summary>
        public double LabelSmoothing { get; init; } = 0.1;

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

    /// <inheritdoc />
    public override string Name => "shot-im";
    /// <inheritdoc />
    public override string Description =>
        "source training, then source-free: head frozen, information maximisation on target batches alone (SHOT-IM, Liang et al. 2020)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => true;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new Step(network, options);

    /// <summary>
    /// One source-free update: L_IM on <paramref name="targetInputs"/> <c>(B, ...)</c> through <paramref name="network"/>
    /// (in training mode), stepped by <paramref name="optimizer"/>, which should hold every parameter but the head's.
    /// Reads nothing but the network and the target batch.
    /// </summary>
    /// <returns>L_IM, the mean prediction entropy and the entropy of the mean prediction.</returns>
    public static (double Loss, double Entropy, double Diversity) AdaptStep(AdaptationNetwork network, Tensor targetInputs, OptimizerHelper optimizer,
        double diversityWeight = 1)
    {
        optimizer.zero_grad();
        var logits = network.call(targetInputs);                                           // (B, K)
        var entropy = Losses.Entropy.Mean(logits);
        var mean = functional.softmax(logits, 1).mean([0]);                                // (K)
        var diversity = -(mean * (mean + 1e-5).log()).sum();                               // SHOT's ε
        var loss = entropy - diversityWeight * diversity;
        loss.backward();
        optimizer.step();
        return (loss.item<float>(), entropy.item<float>(), diversity.item<float>());
    }

    private sealed class Step : ITrainingStep<AdaptationBatch>
    {
        private readonly AdaptationNetwork network;
        private readonly Options options;

        public Step(AdaptationNetwork network, Options options)
        {
            this.network = network;
            this.options = options;
            // AdaptationNetwork's field names are its state-dict keys: "head." is the hypothesis, frozen in phase 2.
            var named = network.named_parameters().Where(p => p.parameter.requires_grad).ToArray();
            var all = named.Select(p => p.parameter).ToArray();
            var features = named.Where(p => !p.name.StartsWith("head.", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
            Phases = [new TrainingPhase("source", [new ParameterGroupSpec(all)]), new TrainingPhase("adaptation", [new ParameterGroupSpec(features)])];
        }

        public IReadOnlyList<TrainingPhase> Phases { get; }

        public void SetTraining(bool training) => network.train(training);

        public StepOutcome Run(AdaptationBatch batch, StepContext context)
        {
            if (context.Progress >= options.SourceFraction)
            {
                var xt = batch.TargetInputs ?? throw new ArgumentException("SHOT-IM needs a target batch");
                // Phase 2 is handed the target batch only: batch.Inputs and batch.Labels (the source) are not read.
                var (loss, entropy, diversity) = AdaptStep(network, xt, context.Optimizers[1], options.DiversityWeight);
                return new StepOutcome(loss, xt.shape[0], 0, new Dictionary<string, double>
                {
                    ["alignment"] = loss, ["entropy"] = entropy, ["diversity"] = diversity,
                }) { Predictions = 0 };
            }
            var optimizer = context.Optimizers[0];
            optimizer.zero_grad();
            var logits = network.call(batch.Inputs);                                       // (B, K)
            var ce = functional.cross_entropy(logits, batch.Labels, label_smoothing: options.LabelSmoothing);
            double classification = ce.item<float>();
            ce.backward();
            optimizer.step();
            return new StepOutcome(classification, batch.Inputs.shape[0], logits.argmax(1).eq(batch.Labels).sum().item<long>(),
                new Dictionary<string, double> { ["classification"] = classification });
        }
    }
}
