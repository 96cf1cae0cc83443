using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// AdaBN, adaptive batch normalisation (Li et al., "Revisiting Batch Normalization for Practical Domain Adaptation",
/// ICLR workshops 2017): train on the source alone, then replace every batch-norm layer's running statistics with the
/// target's, so that at inference each layer normalises target activations with target means and variances.
/// </summary>
/// <remarks>
/// <para>Training is <see cref="SourceOnly"/>'s step. After each epoch the trainer measures the source validation
/// accuracy with the source statistics, then calls <see cref="ITargetInference.PrepareForTarget"/>: the statistics are
/// recomputed from every unlabelled target training example (a cumulative average over batches of
/// <see cref="Options.StatisticsBatchSize"/>, what PyTorch's momentum = None computes), and the target accuracy, the
/// checkpoint and the returned network use them. The next epoch's source batches move the statistics back (momentum 0.1).</para>
/// <para>Only layers with batch norm adapt: with the default bottleneck, its BatchNorm1d; a backbone's own batch norms too.
/// A network without any is source only.</para>
/// </remarks>
public sealed class AdaBn : AdaptationMethod<AdaBn.Options>
{
    /// <summary>The method.</summary>
    public static AdaBn Method { get; } = new();

    private AdaBn() { }

    /// <summary>AdaBN's settings.</summary>
    public sealed record Options : AdaptationMethodOptions
    {
        /// <summary>AdaBn's defaults.</summary>
        public Options() : base(AdaBn.Method) { }

        /// <summary>Target examples per forward pass while the statistics are recomputed (memory only: the result is
        /// the same average up to how the per-batch variances are pooled). Default 256.</summary>
        public int StatisticsBatchSize { get; init; } = 256;

        /// <inheritdoc />
        public override IReadOnlyList<OptionError> Validate() =>
            StatisticsBatchSize < 2 ? [new(nameof(StatisticsBatchSize), $"statistics batch size must be at least 2, got {StatisticsBatchSize}")] : [];
    }

    /// <inheritdoc />
    public override string Name => "adabn";
    /// <inheritdoc />
    public override string Description => "source only, then the batch-norm statistics recomputed on the target for target inference (AdaBN, Li et al. 2016)";
    /// <inheritdoc />
    public override bool UsesTargetInputs => false;
    /// <inheritdoc />
    public override bool AdaptsToTarget => true;   // its target statistics, recomputed before target inference

    /// <inheritdoc />
    protected override ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, Options options) => new Step(network, options);

    /// <summary>
    /// Replaces the running statistics of every batch-norm layer of <paramref name="network"/> with those of
    /// <paramref name="inputs"/>' <c>(N, ...)</c>: the layers' inputs are normalised by their batch statistics in a
    /// training-mode forward pass (no gradients), averaged over batches weighted by their size. Leaves the network in
    /// evaluation mode. Returns the number of batch-norm layers updated.
    /// </summary>
    public static int RecomputeStatistics(Module<Tensor, Tensor> network, Tensor inputs, int batchSize = 256)
    {
        var norms = network.modules().OfType<TorchSharp.Modules.BatchNorm>().Where(m => m.running_mean is not null).ToArray();
        if (norms.Length == 0) return 0;
        var momenta = norms.Select(m => m.momentum).ToArray();
        var device = Devices.Of(network);
        try
        {
            using var noGrad = no_grad();
            foreach (var m in norms) m.reset_running_stats();
            network.train();
            long n = inputs.shape[0], seen = 0;
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(batchSize, n - start);
                if (count < 2 && seen > 0) break;   // a batch of one has no variance; the rest is already averaged
                // running ← (1 − m)·running + m·batch with m = count / (seen + count): the size-weighted mean of the batches.
                foreach (var bn in norms) bn.momentum = count / (double)(seen + count);
                network.call(inputs.narrow(0, start, count).On(device));
                seen += count;
            }
        }
        finally
        {
            for (int i = 0; i < norms.Length; i++) norms[i].momentum = momenta[i];
            network.eval();
        }
        return norms.Length;
    }

    private sealed class Step(AdaptationNetwork network, Options options) : ITrainingStep<AdaptationBatch>, ITargetInference
    {
        private readonly LabelledStep inner = new(network);

        public IReadOnlyList<TrainingPhase> Phases => inner.Phases;
        public void SetTraining(bool training) => inner.SetTraining(training);
        public StepOutcome Run(AdaptationBatch batch, StepContext context) => inner.Run(batch, context);

        public void PrepareForTarget(Dataset unlabelledTarget) => RecomputeStatistics(network, unlabelledTarget.Inputs, options.StatisticsBatchSize);
    }
}

/// <summary>
/// A step whose network predicts the target differently from the source (AdaBN's target batch-norm statistics): the
/// trainer calls <see cref="PrepareForTarget"/> after measuring the source validation accuracy and before the target
/// accuracy, the epoch's checkpoint and the returned network.
/// </summary>
internal interface ITargetInference
{
    /// <summary>Readies the network for target inference from the unlabelled target training set.</summary>
    void PrepareForTarget(Dataset unlabelledTarget);
}
