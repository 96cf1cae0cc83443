using TorchSharp.Modules;
using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// SHOT, source hypothesis transfer (Liang et al., "Do We Really Need to Access the Source Data? Source Hypothesis
/// Transfer for Unsupervised Domain Adaptation", ICML 2020): <see cref="ShotIm"/>'s information maximisation plus
/// self-supervised pseudo-labels from clusters of the target features.
/// </summary>
/// <remarks>
/// <para>Phase 1 trains on the source as SHOT-IM; in phase 2 (head frozen, target batches alone) the loss is
/// L_IM + β·CE(C(f_t), ŷ_t). The pseudo-labels come from the paper's code (<c>obtain_label</c>), recomputed at the
/// start of phase 2 and then after every pass over the target set (<see cref="Options.PseudoLabelInterval"/>):
/// over every unlabelled target training example, f̂ = [f, 1]/‖[f, 1]‖ <c>(N, F+1)</c>; centroids c_k =
/// Σ_i p_ik f̂_i / Σ_i p_ik weighted by the predictions <c>(K, F+1)</c>; each example takes its nearest centroid
/// by cosine distance (classes nobody predicts have none); one more k-means round with those hard labels gives the
/// centroids kept (<see cref="Centroids"/>).</para>
/// <para>Not the paper's: the trainer's target batches carry no example indices, so each batch is labelled against the
/// kept centroids with its current features (detached), not with the features it had when the centroids were made.
/// With <see cref="Options.TargetStatistics"/> (default) the batch-norm statistics are recomputed on the target
/// (<see cref="AdaBn.RecomputeStatistics"/>) before the clustering pass, so the first pseudo-labels are those of the
/// AdaBN-corrected source model; the training passes in phase 2 normalise target batches by their own statistics
/// anyway. Also as <see cref="ShotIm"/>: no weight normalisation of the head, Adam, one step budget for both phases.
/// Logged in phase 2: "alignment" = the whole loss, "entropy", "diversity", "pseudo_label" (the CE term, unweighted).</para>
/// </remarks>
public sealed class Shot : AdaptationMethod<Shot.Options>
{
    /// <summary>The method.</summary>
    public static Shot Method { get; } = new();

    private Shot() { }

    /// <summary>SHOT's settings: SHOT-IM's, the pseudo-label weight and how often the pseudo-labels are recomputed.</summary>
    public sealed record Options : SourceFreeOptions
    {
        /// <summary>Shot's defaults.</summary>
        public Options() : base(Shot.Method) { }

        /// <summary>Weight β of the pseudo-label cross-entropy (the paper's cls_par). Default 0.3.</summary>
        public double PseudoLabelWeight { get; init; } = 0.3;
        /// <summary>Source-free steps between two clusterings of the target; 0 = one pass over the target training
        /// set (the paper's digit code: once per target epoch). Default 0.</summary>
        public int PseudoLabelInterval { get; init; }
        /// <summary>Recompute the batch-norm statistics on the target before each clustering pass (false: the running
        /// statistics as they are, the paper's). Default true.</summary>
        public bool TargetStatistics { get; init; } = true;

        /// <inheritdoc />
        public override IReadOnlyList<OptionError> Validate()
        {
            var e = base.Validate().ToList();
            if (!(PseudoLabelWeight >= 0) || double.IsInfinity(PseudoLabelWeight))
                e.Add(new(nameof(PseudoLabelWeight), $"pseudo-label weight must be non-negative, got {PseudoLabelWeight}"));
            if (PseudoLabelInterval < 0) e.Add(new(nameof(PseudoLabelInterval), $"pseudo-label interval must be 0 (one target pass) or positive, got {PseudoLabelInterval}"));
            return e;
        }
    }

    /// <inheritdoc />
    public override string Name => "shot";
    /// <inheritdoc />
    public override string Description =>
        "SHOT-IM plus pseudo-labels from target feature centroids, source-free second half (SHOT, Liang et al. 2020)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => true;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new Step(network, options);

    /// <summary>
    /// SHOT's clustering of <paramref name="targetInputs"/> <c>(N, ...)</c> through <paramref name="network"/> in its
    /// current mode (no gradients): the unit-norm centroids <c>(K, F+1)</c> of the augmented, normalised features after
    /// one k-means round from the prediction-weighted centroids, and which classes have one <c>(K)</c>, bool.
    /// </summary>
    public static (Tensor Centroids, Tensor HasCentroid) Centroids(AdaptationNetwork network, Tensor targetInputs, int batchSize = 256)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = Devices.Of(network);
        var features = new List<Tensor>();
        var probabilities = new List<Tensor>();
        for (long start = 0; start < targetInputs.shape[0]; start += batchSize)
        {
            var f = network.Features(targetInputs.narrow(0, start, Math.Min(batchSize, targetInputs.shape[0] - start)).On(device));
            features.Add(f);                                                               // (b, F)
            probabilities.Add(functional.softmax(network.Classify(f), 1));                 // (b, K)
        }
        var unit = Augment(cat(features, 0));                                              // (N, F+1)
        var p = cat(probabilities, 0);                                                     // (N, K)
        int k = network.ClassCount;
        var hasPrediction = functional.one_hot(p.argmax(1), k).sum(dim: 0).gt(0);              // (K): the paper's labelset
        var labels = Nearest(unit, Mean(p, unit), hasPrediction);                          // (N)
        var hard = functional.one_hot(labels, k).to(unit.dtype);                           // (N, K)
        var centroids = Mean(hard, unit);                                                  // (K, F+1)
        var has = hard.sum(dim: 0).gt(0);                                                       // (K)
        return (functional.normalize(centroids, p: 2, dim: 1).MoveToOuterDisposeScope(), has.MoveToOuterDisposeScope());
    }

    /// <summary>The class of the nearest centroid by cosine distance, among those with <paramref name="has"/>, for
    /// features <c>(N, F)</c>; <paramref name="centroids"/> <c>(K, F+1)</c>.</summary>
    internal static Tensor PseudoLabels(Tensor features, Tensor centroids, Tensor has) => Nearest(Augment(features), centroids, has);

    // [f, 1] / ‖[f, 1]‖: the paper appends a constant before normalising.
    private static Tensor Augment(Tensor f) =>
        functional.normalize(cat([f, ones(f.shape[0], 1, dtype: f.dtype, device: f.device)], 1), p: 2, dim: 1);

    // Σ_i w_ik x_i / Σ_i w_ik: weights (N, K), rows (N, D) → (K, D). (sum(dim: 0): a literal 0 alone binds to sum(ScalarType).)
    private static Tensor Mean(Tensor weights, Tensor rows) => weights.t().matmul(rows) / (weights.sum(dim: 0).unsqueeze(1) + 1e-8);

    // Rows are unit vectors, so the smallest cosine distance is the largest dot product with the normalised centroid.
    private static Tensor Nearest(Tensor unit, Tensor centroids, Tensor has) =>
        unit.matmul(functional.normalize(centroids, p: 2, dim: 1).t())                     // (N, K)
            .masked_fill(has.logical_not().unsqueeze(0), double.NegativeInfinity).argmax(1);

    private sealed class Step : SourceFreeStep, IUnlabelledTargetSet
    {
        private readonly Options options;
        private readonly Tensor centroids;      // (K, F+1), kept between clusterings (allocated once: the live tensor count stays flat)
        private readonly Tensor hasCentroid;    // (K), bool
        private Dataset? target;
        private long adaptationSteps;

        public Step(AdaptationNetwork network, Options options) : base(network, options)
        {
            this.options = options;
            var device = Devices.Of(network);
            centroids = zeros(network.ClassCount, network.FeatureCount + 1, device: device).DetachFromDisposeScope();
            hasCentroid = zeros(network.ClassCount, ScalarType.Bool, device: device).DetachFromDisposeScope();
        }

        public void SetTarget(Dataset unlabelledTarget) => target = unlabelledTarget;

        protected override (double Loss, IReadOnlyDictionary<string, double> Extra) Adapt(Tensor targetInputs, OptimizerHelper optimizer)
        {
            var set = target ?? throw new InvalidOperationException("SHOT needs the unlabelled target set (IUnlabelledTargetSet.SetTarget) before its source-free phase");
            long interval = options.PseudoLabelInterval > 0 ? options.PseudoLabelInterval
                : Math.Max(1, (long)Math.Ceiling(set.Count / (double)targetInputs.shape[0]));
            if (adaptationSteps++ % interval == 0) Cluster(set);
            optimizer.zero_grad();
            var f = Network.Features(targetInputs);                                        // (B, F)
            var logits = Network.Classify(f);                                              // (B, K)
            var (im, entropy, diversity) = ShotIm.InformationMaximisation(logits, options.DiversityWeight);
            var pseudo = PseudoLabels(f.detach(), centroids, hasCentroid);                 // (B)
            var ce = functional.cross_entropy(logits, pseudo);
            var loss = im + options.PseudoLabelWeight * ce;
            loss.backward();
            optimizer.step();
            double value = loss.item<float>();
            return (value, new Dictionary<string, double>
            {
                ["alignment"] = value, ["entropy"] = entropy.item<float>(), ["diversity"] = diversity.item<float>(), ["pseudo_label"] = ce.item<float>(),
            });
        }

        private void Cluster(Dataset set)
        {
            try
            {
                if (options.TargetStatistics) AdaBn.RecomputeStatistics(Network, set.Inputs);
                Network.eval();
                var (c, has) = Centroids(Network, set.Inputs);
                using (no_grad())
                {
                    centroids.copy_(c);
                    hasCentroid.copy_(has);
                }
                c.Dispose();
                has.Dispose();
            }
            finally
            {
                Network.train();
            }
        }

        public override void Dispose()
        {
            base.Dispose();
            centroids.Dispose();
            hasCentroid.Dispose();
        }
    }
}
