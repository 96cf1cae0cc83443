using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// Cross-entropy on the labelled target training set: the upper bound (it reads the target labels the other methods
/// never see).
/// </summary>
public sealed class TargetOnly : AdaptationMethod<TargetOnly.Options>
{
    /// <summary>The method.</summary>
    public static TargetOnly Method { get; } = new();

    private TargetOnly() { }

    /// <summary>Trained-on-target has no settings of its own.</summary>
    public sealed record Options : AdaptationMethodOptions
    {
        /// <summary>TargetOnly's defaults.</summary>
        public Options() : base(TargetOnly.Method) { }
    }

    /// <inheritdoc />
    public override string Name => "target-only";
    /// <inheritdoc />
    public override string Description => "cross-entropy on the labelled target (the upper bound: uses target labels)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => false;
    /// <inheritdoc />
    public override bool UsesTargetLabels => true;
    /// <inheritdoc />
    public override bool UsesSourceLabels => false;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new LabelledStep(network);
}
