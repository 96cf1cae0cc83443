using TorchSharp.Modules;

namespace TransferSharp.Training;

/// <summary>
/// One optimiser's share of a training step: the parameter groups it updates. Most methods have one phase; methods
/// that update different parts of the network against different losses within one batch (MCD's three steps, ADDA)
/// have several, and the training loop builds one optimiser per phase, in this order.
/// </summary>
/// <param name="Name">A short name for logs and checkpoints (e.g. "all", "classifiers", "generator").</param>
/// <param name="Groups">Parameters and their learning-rate scales.</param>
public sealed record TrainingPhase(string Name, IReadOnlyList<ParameterGroupSpec> Groups);

/// <summary>What the training loop hands a step: where training is, and one optimiser per phase.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="Progress">Training progress p in [0, 1) over the whole run (schedules are functions of it).</param>
/// <param name="Optimizers">One optimiser per <see cref="ITrainingStep{TBatch}.Phases"/> entry, same order; the loop
/// has already set their learning rates for this step.</param>
public sealed record StepContext(int Epoch, int Step, double Progress, IReadOnlyList<OptimizerHelper> Optimizers);

/// <summary>
/// A step's numbers for one batch, as plain doubles (read inside the step's dispose scope): the main loss, how many
/// labelled examples it saw and how many it classified correctly, and any method-specific values (e.g.
/// "alignment", "domain_accuracy"), averaged per epoch by the loop.
/// </summary>
/// <param name="Loss">The batch's mean loss (the value the loop sums, weighted by <paramref name="Examples"/>, and checks
/// for NaN and infinity).</param>
/// <param name="Examples">Examples in the batch.</param>
/// <param name="Correct">Correct predictions among <see cref="Predictions"/>.</param>
/// <param name="Extra">Method-specific values of this step, averaged over the epoch's steps; null for none.</param>
public readonly record struct StepOutcome(double Loss, long Examples, long Correct, IReadOnlyDictionary<string, double>? Extra = null)
{
    /// <summary>How many predictions <see cref="Correct"/> counts from; null = one per example (DAP scores every
    /// attribute of every example); 0 = the step predicts nothing, and the accuracy is NaN.</summary>
    public long? Predictions { get; init; }
}

/// <summary>
/// One training method's work for one batch: forward, losses, backward and one optimiser step per phase. The loop
/// owns everything else (epochs, schedules, the dispose scope around the step, progress and ETA, cancellation,
/// checkpoints, early stopping, native-memory release).
/// </summary>
/// <typeparam name="TBatch">What one step consumes: a labelled batch, a source/target pair of batches, …</typeparam>
public interface ITrainingStep<in TBatch>
{
    /// <summary>The optimiser phases, in the order the step uses <see cref="StepContext.Optimizers"/>.</summary>
    IReadOnlyList<TrainingPhase> Phases { get; }

    /// <summary>Puts every module the step trains in training (true) or evaluation (false) mode.</summary>
    void SetTraining(bool training);

    /// <summary>Runs one step on <paramref name="batch"/>; called inside a dispose scope the loop owns.</summary>
    StepOutcome Run(TBatch batch, StepContext context);
}
