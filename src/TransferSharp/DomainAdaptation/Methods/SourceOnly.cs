using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>Cross-entropy on the labelled source only: the lower bound every adaptation method is measured against.</summary>
public sealed class SourceOnly : AdaptationMethod<SourceOnly.Options>
{
    /// <summary>The method.</summary>
    public static SourceOnly Method { get; } = new();

    private SourceOnly() { }

    /// <summary>Source-only training has no settings of its own.</summary>
    public sealed record Options : AdaptationMethodOptions
    {
        /// <summary>SourceOnly's defaults.</summary>
        public Options() : base(SourceOnly.Method) { }
    }

    /// <inheritdoc />
    public override string Name => "source-only";
    /// <inheritdoc />
    public override string Description => "cross-entropy on the labelled source only (the lower bound)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => false;

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new LabelledStep(network);
}

/// <summary>Cross-entropy on the labelled batch alone, one optimiser over the network (the baselines' step).</summary>
internal sealed class LabelledStep(AdaptationNetwork network) : ITrainingStep<AdaptationBatch>
{
    public IReadOnlyList<TrainingPhase> Phases { get; } =
        [new TrainingPhase("all", [new ParameterGroupSpec(network.parameters().Where(p => p.requires_grad).ToArray())])];

    public void SetTraining(bool training) => network.train(training);

    public StepOutcome Run(AdaptationBatch batch, StepContext context)
    {
        var optimizer = context.Optimizers[0];
        optimizer.zero_grad();
        var logits = network.call(batch.Inputs);                                          // (B, K)
        var loss = functional.cross_entropy(logits, batch.Labels);
        double classification = loss.item<float>();
        loss.backward();
        optimizer.step();
        return new StepOutcome(classification, batch.Inputs.shape[0], logits.argmax(1).eq(batch.Labels).sum().item<long>(),
            new Dictionary<string, double> { ["classification"] = classification });
    }
}
