using TorchSharp.Modules;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// SHOT-IM, source-free adaptation by information maximisation (Liang et al., "Do We Really Need to Access the Source
/// Data? Source Hypothesis Transfer for Unsupervised Domain Adaptation", ICML 2020), without SHOT's pseudo-labels.
/// </summary>
/// <remarks>
/// <para>Two phases in one run, split at training progress <see cref="SourceFreeOptions.SourceFraction"/>:</para>
/// <para>(1) source training: the whole network on label-smoothed source cross-entropy (SHOT's ε = 0.1), or CDAN's step
/// with <see cref="SourceFreeOptions.AlignedSourcePhase"/>;</para>
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

    /// <summary>SHOT-IM's settings: the source phase's length, the diversity weight, the label smoothing.</summary>
    public sealed record Options : SourceFreeOptions
    {
        /// <summary>ShotIm's defaults.</summary>
        public Options() : base(ShotIm.Method) { }
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
        var (loss, entropy, diversity) = InformationMaximisation(network.call(targetInputs), diversityWeight);
        loss.backward();
        optimizer.step();
        return (loss.item<float>(), entropy.item<float>(), diversity.item<float>());
    }

    /// <summary>
    /// SHOT's information maximisation loss of <paramref name="logits"/> <c>(B, K)</c>: L_IM = mean_i H(p_i) −
    /// w·H(mean_i p_i), with the two entropies (scalars) it is made of.
    /// </summary>
    internal static (Tensor Loss, Tensor Entropy, Tensor Diversity) InformationMaximisation(Tensor logits, double diversityWeight)
    {
        var entropy = Losses.Entropy.Mean(logits);
        var mean = functional.softmax(logits, 1).mean([0]);                                // (K)
        var diversity = -(mean * (mean + 1e-5).log()).sum();                               // SHOT's ε
        return (entropy - diversityWeight * diversity, entropy, diversity);
    }

    private sealed class Step(AdaptationNetwork network, Options options) : SourceFreeStep(network, options)
    {
        protected override (double Loss, IReadOnlyDictionary<string, double> Extra) Adapt(Tensor targetInputs, OptimizerHelper optimizer)
        {
            var (loss, entropy, diversity) = AdaptStep(Network, targetInputs, optimizer, options.DiversityWeight);
            return (loss, new Dictionary<string, double> { ["alignment"] = loss, ["entropy"] = entropy, ["diversity"] = diversity });
        }
    }
}
