using TransferSharp.Data;
using TransferSharp.Evaluation;

namespace TransferSharp.Training;

/// <summary>
/// Supervised training: minibatch cross-entropy (<see cref="SupervisedStep"/>) on <see cref="TrainingLoop"/> with the
/// chosen optimiser and learning-rate schedule, evaluation after each epoch, optional early stopping, progress through
/// <see cref="IProgress{T}"/>.
/// </summary>
/// <remarks>
/// Runs synchronously on the calling thread (TorchSharp's dispose scopes and grad mode are per thread), with one
/// dispose scope per step. Shuffles use a generator seeded from the seed and the epoch, so a resumed run sees the
/// same batches as an uninterrupted one.
/// </remarks>
public sealed class SupervisedTrainer
{
    private readonly TrainingOptions options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public SupervisedTrainer(TrainingOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/>, evaluating on <paramref name="validation"/> each epoch.</summary>
    /// <param name="model">The classifier to train, in place; moved to <see cref="TrainerOptions.Device"/> first (build
    /// <see cref="TrainingHooks.ParameterGroups"/> after moving it there: moving replaces its parameters).</param>
    /// <param name="train">A <see cref="Dataset"/> in memory or any other batch source, e.g. a <see cref="StreamingImageFolder"/>.</param>
    /// <param name="validation">Evaluated after every epoch (a dataset or a batch source); null for none.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="cancellation">Checked before every step.</param>
    /// <param name="hooks">Parameter groups, extra loss, epoch callback, resume point.</param>
    public TrainingResult Fit(Module<Tensor, Tensor> model, IBatchSource train, IBatchSource? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, TrainingHooks? hooks = null)
    {
        if (!train.HasLabels) throw new ArgumentException($"training set '{train.Name}' has no labels");
        if (validation is { HasLabels: false }) throw new ArgumentException($"validation set '{validation.Name}' has no labels");
        hooks ??= new TrainingHooks();
        var device = options.ResolveDevice();
        // Moving replaces the parameters, so groups collected before the move would train stale copies.
        if (hooks.ParameterGroups is not null && !model.IsOn(device))
            throw new ArgumentException($"the model is on {DeviceChoice.Name(Devices.Of(model))} but trains on {DeviceChoice.Name(device)}: " +
                                        "move it there before building its parameter groups");
        model.MoveTo(device);
        var step = new SupervisedStep(model, hooks.ParameterGroups, hooks.ExtraLoss);
        if (step.Phases[0].Groups.Sum(g => g.Parameters.Count) == 0) throw new ArgumentException("no trainable parameters: every parameter is frozen");
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var r = new TrainingLoop(options).Run(step,
            epoch => train.Batches(options.BatchSize, shuffle: true, seed: TrainingLoop.ShuffleSeed(options.Seed, epoch)),
            stepsPerEpoch,
            new LoopHooks
            {
                EpochTrained = _ => Validate(model, validation),
                Patience = options.Patience,
                Model = model,
                EpochEnded = hooks.EpochEnded,
                Resume = hooks.Resume,
            },
            progress, cancellation);
        return new TrainingResult(model, r.History, r.BestEpoch, r.StoppedEarly);
    }

    // An empty validation part (validation fraction 0) is none: its NaN scores would otherwise drive early stopping.
    private static EpochValidation? Validate(Module<Tensor, Tensor> model, IBatchSource? validation) =>
        validation is null or { Count: 0 } ? null : Metrics.Evaluate(model, validation) is var v ? new EpochValidation(v.Loss, v.Accuracy) : null;
}
