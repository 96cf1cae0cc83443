using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// MCC, minimum class confusion (Jin et al., "Minimum Class Confusion for Versatile Domain Adaptation", ECCV 2020):
/// L = CE(source) + w·MCC(target logits) (<see cref="Losses.ClassConfusion"/>). No discriminator and no feature
/// statistics: it only asks the target predictions not to confuse classes with each other.
/// </summary>
/// <remarks>TLlib's defaults (examples/domain_adaptation/image_classification/mcc.py): weight 1 from the start,
/// temperature 2.5.</remarks>
public sealed class Mcc : AdaptationMethod<Mcc.Options>
{
    /// <summary>The method.</summary>
    public static Mcc Method { get; } = new();

    private Mcc() { }

    /// <summary>MCC's settings: the loss weight (TLlib's trade-off 1, constant), its temperature, the entropy term.</summary>
    public sealed record Options : WeightedAlignmentOptions
    {
        /// <summary>Mcc's defaults: weight 1, constant, temperature 2.5.</summary>
        public Options() : base(Mcc.Method)
        {
            AlignmentWeight = 1;
            WeightSchedule = AdaptationSchedule.Constant;
        }

        /// <summary>Temperature T of the softmax the class confusion is computed on. Default 2.5.</summary>
        public double Temperature { get; init; } = Losses.ClassConfusion.DefaultTemperature;

        /// <inheritdoc />
        public override IReadOnlyList<OptionError> Validate()
        {
            var e = base.Validate().ToList();
            if (!(Temperature > 0) || double.IsInfinity(Temperature)) e.Add(new(nameof(Temperature), $"temperature must be positive, got {Temperature}"));
            return e;
        }
    }

    /// <inheritdoc />
    public override string Name => "mcc";
    /// <inheritdoc />
    public override string Description => "minimum class confusion on the target predictions (Jin et al. 2020)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => true;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new Step(network, options);

    private sealed class Step(AdaptationNetwork network, Options options) : AlignmentStep(network, options.EntropyWeight)
    {
        protected override Tensor Alignment(Tensor f, Tensor logits, long b, double progress, IDictionary<string, double> extra)
        {
            var loss = Losses.ClassConfusion.Loss(logits.narrow(0, b, logits.shape[0] - b), options.Temperature);
            extra["alignment"] = loss.item<float>();
            return loss * options.CoefficientAt(progress);
        }
    }
}
