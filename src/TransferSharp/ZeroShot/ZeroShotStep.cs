using TorchSharp.Modules;
using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>What one training step computed: the loss to minimise and how many of the batch's targets it got right.</summary>
internal readonly record struct StepResult(Tensor Loss, double Correct, long Count);

/// <summary>
/// The zero-shot methods' step: the method supplies the loss of a batch (images, seen-class labels); one optimiser over
/// the network, stepped on it. <see cref="Train"/> runs it on <see cref="TrainingLoop"/> with the options' optimiser
/// and schedule.
/// </summary>
internal sealed class ZeroShotStep(Module network, IReadOnlyList<Parameter> parameters, Func<Tensor, Tensor, StepResult> loss)
    : ITrainingStep<Batch>
{
    private readonly Device device = Devices.Of(network);

    public IReadOnlyList<TrainingPhase> Phases { get; } = [new TrainingPhase("all", [new ParameterGroupSpec(parameters)])];

    public void SetTraining(bool training) => network.train(training);

    public StepOutcome Run(Batch batch, StepContext context)
    {
        batch = batch.On(device);
        var optimizer = context.Optimizers[0];
        optimizer.zero_grad();
        var r = loss(batch.Inputs, batch.Labels!);
        r.Loss.backward();
        optimizer.step();
        // Count: the targets Correct is out of (DAP: every attribute of every example).
        return new StepOutcome(r.Loss.item<float>(), batch.Inputs.shape[0], (long)r.Correct) { Predictions = r.Count };
    }

    /// <summary>Trains <paramref name="network"/> on <paramref name="train"/>, shuffled per epoch; leaves it in eval mode.</summary>
    public static IReadOnlyList<EpochMetrics> Train(Module network, IReadOnlyList<Parameter> parameters, Dataset train, ZeroShotOptions options,
        Func<Tensor, Tensor, StepResult> loss, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var r = new TrainingLoop(options).Run(new ZeroShotStep(network, parameters, loss),
            epoch => ((IBatchSource)train).Batches(options.BatchSize, shuffle: true, seed: TrainingLoop.ShuffleSeed(options.Seed, epoch)), stepsPerEpoch,
            progress: progress, cancellation: cancellation);
        network.eval();
        return r.History;
    }
}
