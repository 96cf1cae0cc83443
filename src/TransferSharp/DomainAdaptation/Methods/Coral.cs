using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// Deep CORAL (Sun &amp; Saenko, ECCV 2016 workshops): L = CE + w(p)·CORAL(f_s, f_t), the distance between the
/// covariances of the source and target features (<see cref="Losses.Coral"/>).
/// </summary>
public sealed class Coral : AdaptationMethod<Coral.Options>
{
    /// <summary>The method.</summary>
    public static Coral Method { get; } = new();

    private Coral() { }

    /// <summary>CORAL's settings: the loss weight, its schedule, the entropy term.</summary>
    public sealed record Options : WeightedAlignmentOptions
    {
        /// <summary>Coral's defaults.</summary>
        public Options() : base(Coral.Method) { }
    }

    /// <inheritdoc />
    public override string Name => "coral";
    /// <inheritdoc />
    public override string Description => "Deep CORAL: covariance alignment of the features (Sun & Saenko 2016)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => true;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new Step(network, options);

    private sealed class Step(AdaptationNetwork network, Options options) : AlignmentStep(network, options.EntropyWeight)
    {
        protected override Tensor Alignment(Tensor f, Tensor logits, long b, double progress, IDictionary<string, double> extra)
        {
            var loss = Losses.Coral.Loss(f.narrow(0, 0, b), f.narrow(0, b, f.shape[0] - b));
            extra["alignment"] = loss.item<float>();
            return loss * options.CoefficientAt(progress);
        }
    }
}
