using System.Diagnostics;
using TorchSharp.Modules;
using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>What one training step computed: the loss to minimise and how many of the batch's targets it got right.</summary>
internal readonly record struct StepResult(Tensor Loss, double Correct, long Count);

/// <summary>
/// The minibatch loop the zero-shot trainers share: Adam with cosine decay, one dispose scope per step, progress as
/// plain numbers. The method supplies the loss of a batch.
/// </summary>
internal static class ZeroShotLoop
{
    public static IReadOnlyList<EpochMetrics> Run(Module network, IReadOnlyList<Parameter> parameters, Dataset train, ZeroShotOptions options,
        Func<Tensor, Tensor, StepResult> step, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        using var optimizer = Optimizers.Create(OptimizerKind.Adam, [new OptimizerGroup(parameters, options.LearningRate, options.WeightDecay)]);
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)stepsPerEpoch * options.Epochs, done = 0;
        var clock = Stopwatch.StartNew();
        var history = new List<EpochMetrics>();
        network.train();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            double lossSum = 0, correct = 0;
            long seen = 0, counted = 0;
            int stepInEpoch = 0;
            using var shuffle = new Generator((ulong)options.Seed * 1_000_003UL + (ulong)epoch);
            foreach (var batch in Batches.Of(train, options.BatchSize, shuffle: true, generator: shuffle))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                double lr = options.LearningRate * Schedules.LearningRateFactor(ScheduleKind.Cosine, done / (double)totalSteps);
                foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
                optimizer.zero_grad();
                var r = step(batch.Inputs, batch.Labels!);
                r.Loss.backward();
                optimizer.step();
                long b = batch.Inputs.shape[0];
                lossSum += r.Loss.item<float>() * b;
                correct += r.Correct;
                counted += r.Count;
                seen += b;
                stepInEpoch++;
                done++;
                if (progress is not null)
                {
                    double perStep = clock.Elapsed.TotalSeconds / done;
                    progress.Report(new TrainingProgress(epoch, options.Epochs, stepInEpoch, stepsPerEpoch, lossSum / seen,
                        correct / Math.Max(1, counted), seen / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds), clock.Elapsed,
                        TimeSpan.FromSeconds(perStep * (totalSteps - done))));
                }
            }
            double seconds = epochClock.Elapsed.TotalSeconds;
            history.Add(new EpochMetrics(epoch, lossSum / seen, correct / Math.Max(1, counted), null, null,
                optimizer.ParamGroups.First().LearningRate, seen / Math.Max(1e-9, seconds), seconds));
            NativeMemory.ReleaseFinalizable();
        }
        network.eval();
        return history;
    }
}
