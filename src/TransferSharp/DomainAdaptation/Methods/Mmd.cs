using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// DAN-style alignment (Long et al., "Learning Transferable Features with Deep Adaptation Networks", ICML 2015):
/// L = CE + w(p)·MMD²(f_s, f_t), with the multi-kernel MMD of <see cref="Losses.Mmd"/> on the bottleneck features.
/// </summary>
public sealed class Mmd : AdaptationMethod<Mmd.Options>
{
    /// <summary>The method.</summary>
    public static Mmd Method { get; } = new();

    private Mmd() { }

    /// <summary>MMD's settings: the loss weight, its schedule, the entropy term.</summary>
    public sealed record Options : WeightedAlignmentOptions
    {
        /// <summary>Mmd's defaults.</summary>
        public Options() : base(Mmd.Method) { }
    }

    /// <inheritdoc />
    public override string Name => "mmd";
    /// <inheritdoc />
    public override string Description => "multi-kernel MMD between source and target features (DAN, Long et al. 2015)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => true;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new Step(network, options);

    private sealed class Step(AdaptationNetwork network, Options options) : AlignmentStep(network, options.EntropyWeight)
    {
        protected override Tensor Alignment(Tensor f, Tensor logits, long b, double progress, IDictionary<string, double> extra)
        {
            var loss = Losses.Mmd.Loss(f.narrow(0, 0, b), f.narrow(0, b, f.shape[0] - b));
            extra["alignment"] = loss.item<float>();
            return loss * options.CoefficientAt(progress);
        }
    }
}
