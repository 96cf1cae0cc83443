using TransferSharp.Losses;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// MCD, maximum classifier discrepancy (Saito et al., "Maximum Classifier Discrepancy for Unsupervised Domain
/// Adaptation", CVPR 2018): two classifier heads F1, F2 on the feature generator G. Where they disagree on target
/// examples, those examples lie outside the source's support; the heads are trained to find such examples and the
/// generator to remove them.
/// </summary>
/// <remarks>
/// <para>Per batch, with f = G([x_s; x_t]), d = mean |softmax(F1(f_t)) − softmax(F2(f_t))|
/// (<see cref="ClassifierDiscrepancy"/>) and H the mean target prediction entropy:</para>
/// <para>(A) G, F1, F2 minimise CE(F1(f_s)) + CE(F2(f_s)) + w_H·(H(F1(f_t)) + H(F2(f_t)));
/// (B) G fixed, F1 and F2 minimise the same minus w_d·d (they learn to disagree on the target while still classifying
/// the source); (C) F1, F2 fixed, G minimises w_d·d, <see cref="Options.GeneratorSteps"/> times.
/// As TLlib's examples/domain_adaptation/image_classification/mcd.py: w_d = 1, w_H = 0.01, 4 generator steps.</para>
/// <para>F1 is the network's own head; F2 a second linear head of the same shape (with the default bottleneck both
/// are Linear(F, K)), built after the network. Prediction, evaluation and the saved classifier use F1 alone.
/// Two optimiser phases: "generator" (G: the feature stages and the bottleneck), "classifiers" (F1 and F2).</para>
/// </remarks>
public sealed class Mcd : AdaptationMethod<Mcd.Options>
{
    /// <summary>The method.</summary>
    public static Mcd Method { get; } = new();

    private Mcd() { }

    /// <summary>MCD's settings.</summary>
    public sealed record Options : AdaptationMethodOptions
    {
        /// <summary>Mcd's defaults.</summary>
        public Options() : base(Mcd.Method) { }

        /// <summary>Generator updates per batch in phase C (the paper's and TLlib's n = 4). Default 4.</summary>
        public int GeneratorSteps { get; init; } = 4;
        /// <summary>Weight w_d of the discrepancy in phases B and C. Default 1.</summary>
        public double DiscrepancyWeight { get; init; } = 1;
        /// <summary>Weight w_H of the target entropy in phases A and B (TLlib's trade-off-entropy). Default 0.01.</summary>
        public double EntropyWeight { get; init; } = 0.01;

        /// <inheritdoc />
        public override IReadOnlyList<OptionError> Validate()
        {
            var e = new List<OptionError>();
            if (GeneratorSteps < 1) e.Add(new(nameof(GeneratorSteps), $"generator steps must be at least 1, got {GeneratorSteps}"));
            if (!(DiscrepancyWeight >= 0) || double.IsInfinity(DiscrepancyWeight))
                e.Add(new(nameof(DiscrepancyWeight), $"discrepancy weight must be non-negative, got {DiscrepancyWeight}"));
            if (!(EntropyWeight >= 0) || double.IsInfinity(EntropyWeight))
                e.Add(new(nameof(EntropyWeight), $"entropy weight must be non-negative, got {EntropyWeight}"));
            return e;
        }
    }

    /// <inheritdoc />
    public override string Name => "mcd";
    /// <inheritdoc />
    public override string Description => "maximum classifier discrepancy: two heads, three updates per batch (Saito et al. 2018)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => true;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new Step(network, options);

    private sealed class Step : ITrainingStep<AdaptationBatch>, IDisposable
    {
        private readonly AdaptationNetwork network;
        private readonly Options options;
        private readonly Module<Tensor, Tensor> second;

        public Step(AdaptationNetwork network, Options options)
        {
            this.network = network;
            this.options = options;
            second = nn.Linear(network.FeatureCount, network.ClassCount).MoveTo(Devices.Of(network));
            // AdaptationNetwork's field names are its state-dict keys: "head." is F1, everything else is G.
            var named = network.named_parameters().Where(p => p.parameter.requires_grad).ToArray();
            var generator = named.Where(p => !p.name.StartsWith("head.", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
            var heads = named.Where(p => p.name.StartsWith("head.", StringComparison.Ordinal)).Select(p => p.parameter)
                .Concat(second.parameters()).ToArray();
            Phases = [new TrainingPhase("generator", [new ParameterGroupSpec(generator)]), new TrainingPhase("classifiers", [new ParameterGroupSpec(heads)])];
        }

        public IReadOnlyList<TrainingPhase> Phases { get; }

        public void SetTraining(bool training)
        {
            network.train(training);
            second.train(training);
        }

        public StepOutcome Run(AdaptationBatch batch, StepContext context)
        {
            var (g, c) = (context.Optimizers[0], context.Optimizers[1]);
            var xt = batch.TargetInputs ?? throw new ArgumentException("MCD needs a target batch");
            var x = cat([batch.Inputs, xt], 0);                                            // (Bs + Bt, ...)
            long b = batch.Inputs.shape[0];
            double classification, entropy, discrepancy = double.NaN;
            long correct;

            // (A) G, F1, F2 on the source.
            using (NewDisposeScope())
            {
                g.zero_grad();
                c.zero_grad();
                var (y1, y2) = Heads(x);
                var ce1 = functional.cross_entropy(y1.narrow(0, 0, b), batch.Labels);
                var loss = ce1 + functional.cross_entropy(y2.narrow(0, 0, b), batch.Labels) + TargetEntropy(y1, y2, b, out entropy);
                classification = ce1.item<float>();
                correct = y1.narrow(0, 0, b).argmax(1).eq(batch.Labels).sum().item<long>();
                loss.backward();
                g.step();
                c.step();
            }
            // (B) G fixed: the heads keep classifying the source and learn to disagree on the target.
            using (NewDisposeScope())
            {
                g.zero_grad();
                c.zero_grad();
                var (y1, y2) = Heads(x);
                var d = ClassifierDiscrepancy.Loss(y1.narrow(0, b, y1.shape[0] - b), y2.narrow(0, b, y2.shape[0] - b));
                var loss = functional.cross_entropy(y1.narrow(0, 0, b), batch.Labels) + functional.cross_entropy(y2.narrow(0, 0, b), batch.Labels)
                           + TargetEntropy(y1, y2, b, out _) - options.DiscrepancyWeight * d;
                loss.backward();
                c.step();
            }
            // (C) F1, F2 fixed: the generator removes the disagreement.
            for (int k = 0; k < options.GeneratorSteps; k++)
            {
                using var scope = NewDisposeScope();
                g.zero_grad();
                var (y1, y2) = Heads(x);
                var d = ClassifierDiscrepancy.Loss(y1.narrow(0, b, y1.shape[0] - b), y2.narrow(0, b, y2.shape[0] - b));
                (options.DiscrepancyWeight * d).backward();
                g.step();
                discrepancy = d.item<float>();
            }
            return new StepOutcome(classification, b, correct, new Dictionary<string, double>
            {
                ["classification"] = classification, ["alignment"] = discrepancy, ["entropy"] = entropy,
            });
        }

        /// <summary>Logits of F1 and F2 <c>(Bs + Bt, K)</c> on the shared features.</summary>
        private (Tensor, Tensor) Heads(Tensor x)
        {
            var f = network.Features(x);                                                   // (Bs + Bt, F)
            return (network.Classify(f), second.call(f));
        }

        /// <summary>w_H·(H(F1(f_t)) + H(F2(f_t))); <paramref name="first"/> = H(F1(f_t)) for the log.</summary>
        private Tensor TargetEntropy(Tensor y1, Tensor y2, long b, out double first)
        {
            var h1 = Entropy.Mean(y1.narrow(0, b, y1.shape[0] - b));
            first = h1.item<float>();
            return options.EntropyWeight * (h1 + Entropy.Mean(y2.narrow(0, b, y2.shape[0] - b)));
        }

        public void Dispose() => second.Dispose();
    }
}
