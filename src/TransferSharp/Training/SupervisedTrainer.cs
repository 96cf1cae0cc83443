using System.Diagnostics;
using TorchSharp.Modules;
using TransferSharp.Data;
using TransferSharp.Evaluation;

namespace TransferSharp.Training;

/// <summary>
/// The one supervised training loop: minibatch cross-entropy with the chosen optimiser and learning-rate schedule,
/// evaluation after each epoch, optional early stopping, progress through <see cref="IProgress{T}"/>.
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
    /// <param name="model">The classifier to train, in place.</param>
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
        Seeding.SetThreads(options.Threads);

        var groups = hooks.ParameterGroups ?? [new ParameterGroupSpec(model.parameters().Where(p => p.requires_grad).ToArray())];
        if (groups.Sum(g => g.Parameters.Count) == 0) throw new ArgumentException("no trainable parameters: every parameter is frozen");
        using var optimizer = CreateOptimizer(groups);
        var baseRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

        var history = new List<EpochMetrics>(hooks.Resume?.History ?? []);
        if (hooks.Resume?.OptimizerStatePath is { } statePath) optimizer.load_state_dict(statePath);
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        var clock = Stopwatch.StartNew();
        long stepsThisRun = 0, stepsBefore = (long)history.Count * stepsPerEpoch;

        int bestEpoch = history.Count == 0 ? 0 : BestEpoch(history);
        Dictionary<string, Tensor>? bestState = null;
        bool stoppedEarly = false;
        try
        {
            for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
            {
                model.train();
                var epochClock = Stopwatch.StartNew();
                double lossSum = 0;
                long correct = 0, seen = 0;
                int step = 0;
                ulong shuffleSeed = (ulong)options.Seed * 1_000_003UL + (ulong)epoch;
                foreach (var batch in train.Batches(options.BatchSize, shuffle: true, seed: shuffleSeed))
                {
                    cancellation.ThrowIfCancellationRequested();
                    double p = (stepsBefore + stepsThisRun) / (double)totalSteps;
                    double factor = Schedules.LearningRateFactor(options.Schedule, p);
                    for (int g = 0; g < baseRates.Length; g++) optimizer.ParamGroups.ElementAt(g).LearningRate = baseRates[g] * factor;

                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    var logits = model.call(batch.Inputs);                        // (B, K)
                    var loss = functional.cross_entropy(logits, batch.Labels!);
                    if (hooks.ExtraLoss is { } extra) loss = loss + extra(batch.Inputs, logits);
                    loss.backward();
                    optimizer.step();

                    long b = batch.Inputs.shape[0];
                    lossSum += loss.item<float>() * b;
                    correct += logits.argmax(1).eq(batch.Labels!).sum().item<long>();
                    seen += b;
                    step++;
                    stepsThisRun++;
                    if (progress is not null)
                    {
                        double rate = seen / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds);
                        double perStep = clock.Elapsed.TotalSeconds / stepsThisRun;
                        progress.Report(new TrainingProgress(epoch, options.Epochs, step, stepsPerEpoch, lossSum / seen,
                            correct / (double)seen, rate, clock.Elapsed,
                            TimeSpan.FromSeconds(perStep * (totalSteps - stepsBefore - stepsThisRun))));
                    }
                }
                double seconds = epochClock.Elapsed.TotalSeconds;
                ClassificationScore? val = validation is null ? null : Metrics.Evaluate(model, validation);
                history.Add(new EpochMetrics(epoch, lossSum / seen, correct / (double)seen, val?.Loss, val?.Accuracy,
                    optimizer.ParamGroups.First().LearningRate, seen / Math.Max(1e-9, seconds), seconds));
                NativeMemory.ReleaseFinalizable();

                if (val is not null && (bestEpoch == 0 || val.Accuracy > history[bestEpoch - 1].ValidationAccuracy))
                {
                    bestEpoch = epoch;
                    if (options.Patience > 0) bestState = Snapshot(model, bestState);
                }
                else if (val is null) bestEpoch = epoch;
                hooks.EpochEnded?.Invoke(new EpochEnd(epoch, history.ToArray(), optimizer));
                if (options.Patience > 0 && val is not null && epoch - bestEpoch >= options.Patience)
                {
                    stoppedEarly = true;
                    break;
                }
            }
            if (bestState is not null && bestEpoch != history.Count) model.load_state_dict(bestState);
            else if (bestState is null) bestEpoch = history.Count;
        }
        finally
        {
            if (bestState is not null) foreach (var t in bestState.Values) t.Dispose();
        }
        return new TrainingResult(model, history, bestEpoch, stoppedEarly);
    }

    private static int BestEpoch(IReadOnlyList<EpochMetrics> history)
    {
        int best = history.Count;
        for (int i = 0; i < history.Count; i++)
            if (history[i].ValidationAccuracy > (history[best - 1].ValidationAccuracy ?? double.NegativeInfinity)) best = i + 1;
        return best;
    }

    private static Dictionary<string, Tensor> Snapshot(Module<Tensor, Tensor> model, Dictionary<string, Tensor>? previous)
    {
        if (previous is not null) foreach (var t in previous.Values) t.Dispose();
        using var noGrad = no_grad();
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }

    private OptimizerHelper CreateOptimizer(IReadOnlyList<ParameterGroupSpec> groups) =>
        Optimizers.Create(options.Optimizer,
            groups.Select(g => new OptimizerGroup(g.Parameters, options.LearningRate * g.LearningRateScale, options.WeightDecay)).ToArray(),
            options.Momentum);
}
