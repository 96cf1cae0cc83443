using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.FineTuning;

/// <summary>Settings of a fine-tuning run: the training loop, what to copy, and the conservative terms.</summary>
public sealed record FineTuningOptions
{
    /// <summary>The supervised loop's settings (epochs, optimiser, seed...).</summary>
    public TrainingOptions Training { get; init; } = new();
    /// <summary>Which stages come from the source and whether they are frozen.</summary>
    public LayerTransferOptions Transfer { get; init; } = new();
    /// <summary>L2-SP and Learning-without-Forgetting weights; default off.</summary>
    public ConservativeOptions Conservative { get; init; } = new();
    /// <summary>
    /// When every feature stage is copied and frozen (and distillation is off), compute their output once and train
    /// only the head on it. Same batches, same result, far less work. Default true.
    /// </summary>
    public bool CacheFrozenFeatures { get; init; } = true;

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate() =>
    [
        .. InvalidOptionsException.Nest(nameof(Training), Training.Validate()),
        .. InvalidOptionsException.Nest(nameof(Transfer), Transfer.Validate()),
        .. InvalidOptionsException.Nest(nameof(Conservative), Conservative.Validate()),
    ];

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());
}

/// <summary>The outcome of <see cref="FineTuner.Fit"/>: the target model, its history and what was transferred.</summary>
public sealed class FineTuningResult
{
    internal FineTuningResult(TransferredModel transferred, TrainingResult training, StagedModel? oldTaskModel)
    {
        Transferred = transferred;
        Training = training;
        OldTaskModel = oldTaskModel;
    }

    /// <summary>The trained target model.</summary>
    public StagedModel Model => Transferred.Model;
    /// <summary>Copied and new stages, and the mode of the copied ones.</summary>
    public TransferredModel Transferred { get; }
    /// <summary>Per-epoch metrics, best epoch, early stop.</summary>
    public TrainingResult Training { get; }
    /// <summary>With Learning without Forgetting: the fine-tuned features with the trained old head, for the source task.</summary>
    public StagedModel? OldTaskModel { get; }
    /// <summary>Per-epoch metrics.</summary>
    public IReadOnlyList<EpochMetrics> History => Training.History;
}

/// <summary>
/// Fine-tuning a source-trained network on a small labelled target set: layer transfer (<see cref="LayerTransfer"/>)
/// then the shared supervised loop, with optional conservative terms (<see cref="ConservativeTraining"/>).
/// </summary>
public sealed class FineTuner
{
    private readonly FineTuningOptions options;

    /// <summary>Creates the fine-tuner; the options are validated here.</summary>
    public FineTuner(FineTuningOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>
    /// Builds a target model of the source's architecture for <paramref name="train"/>'s classes (new stages seeded
    /// from the training seed), copies the chosen stages from <paramref name="source"/> and trains it. The source is
    /// not changed.
    /// </summary>
    /// <remarks>
    /// <paramref name="train"/> and <paramref name="validation"/> are in-memory datasets or streams (an image folder
    /// decoded batch by batch, <see cref="StreamingImageFolder"/>); with a frozen backbone the features are computed
    /// in one pass either way and only they are kept in memory.
    /// </remarks>
    public FineTuningResult Fit(StagedModel source, IBatchSource train, IBatchSource? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (!train.HasLabels) throw new ArgumentException($"training set '{train.Name}' has no labels");
        var spec = new ModelSpec(source.Spec.Architecture, train.ExampleShape, train.ClassNames.Count);
        Seeding.SeedEverything(options.Training.Seed);
        var transferred = LayerTransfer.Build(source, spec, options.Transfer);
        try
        {
            // Before the parameter groups and L2-SP's starting point are taken: moving replaces the parameters.
            transferred.Model.MoveTo(options.Training.ResolveDevice());
            var hooks = new TrainingHooks { ParameterGroups = transferred.ParameterGroups() };
            using var conservative = options.Conservative.Enabled ? new ConservativeTraining(transferred, source, options.Conservative) : null;
            if (conservative is not null) hooks = conservative.Apply(hooks);
            var trainer = new SupervisedTrainer(options.Training);
            var head = HeadOnly(transferred);
            TrainingResult result;
            if (head is not null && options.CacheFrozenFeatures && options.Conservative.DistillationWeight == 0)
            {
                using var trainFeatures = FeatureCache.Compute(transferred.Model, train, options.Training.BatchSize);
                using var validationFeatures = validation is null or { Count: 0 } ? null : FeatureCache.Compute(transferred.Model, validation, options.Training.BatchSize);
                var headResult = trainer.Fit(head, trainFeatures, validationFeatures, progress, cancellation, hooks);
                result = new TrainingResult(transferred.Model, headResult.History, headResult.BestEpoch, headResult.StoppedEarly);
            }
            else result = trainer.Fit(transferred.Model, train, validation, progress, cancellation, hooks);
            return new FineTuningResult(transferred, result, conservative?.OldTaskModel());
        }
        catch
        {
            transferred.Model.Dispose();
            throw;
        }
    }

    // The head as one module when it is all that trains (every feature stage copied and frozen); null otherwise.
    private static Module<Tensor, Tensor>? HeadOnly(TransferredModel t)
    {
        var stages = t.Model.StageNames;
        if (t.Mode != CopiedStageMode.Frozen || !t.NewStages.SequenceEqual([stages[^1]])) return null;
        var modules = t.Model.ModulesOf(stages[^1]);
        if (modules.Count != 1) return null;
        return t.Model.named_children().First(c => c.name == modules[0]).module as Module<Tensor, Tensor>;
    }
}
