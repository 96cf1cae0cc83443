using System.Diagnostics;
using TorchSharp.Modules;

namespace TransferSharp.Training;

/// <summary>What the training data of one epoch gave: sums of the steps' <see cref="StepOutcome"/>s.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Steps">Steps run.</param>
/// <param name="Examples">Examples seen.</param>
/// <param name="Loss">Mean loss per example.</param>
/// <param name="Accuracy">Correct / predictions; NaN when the steps predict nothing.</param>
/// <param name="Extra">Each <see cref="StepOutcome.Extra"/> value, averaged over the steps that reported it.</param>
/// <param name="LearningRate">The first phase's first group's rate at the last step.</param>
/// <param name="Seconds">Wall time of the epoch's steps (evaluation excluded).</param>
public sealed record EpochSummary(int Epoch, int Steps, long Examples, double Loss, double Accuracy,
    IReadOnlyDictionary<string, double> Extra, double LearningRate, double Seconds);

/// <summary>What a family's end-of-epoch evaluation measured; <see cref="Accuracy"/> is the score early stopping
/// tracks (higher is better).</summary>
public sealed record EpochValidation(double Loss, double Accuracy);

/// <summary>Ways a family extends <see cref="TrainingLoop"/>: evaluation, early stopping, checkpoints, resume.</summary>
public sealed record LoopHooks
{
    /// <summary>Called after each epoch's steps (evaluate here); null or a null result = no validation score.</summary>
    public Func<EpochSummary, EpochValidation?>? EpochTrained { get; init; }
    /// <summary>Stop after this many epochs without a better validation accuracy and restore <see cref="Model"/>'s
    /// best weights; 0 = off.</summary>
    public int Patience { get; init; }
    /// <summary>The module whose best-epoch weights early stopping keeps; required when <see cref="Patience"/> &gt; 0.</summary>
    public Module? Model { get; init; }
    /// <summary>Called last after every epoch (e.g. to write a checkpoint), with the first phase's optimiser.</summary>
    public Action<EpochEnd>? EpochEnded { get; init; }
    /// <summary>Continue an interrupted run: its history, and the first phase's optimiser state.</summary>
    public ResumePoint? Resume { get; init; }
}

/// <summary>The outcome of <see cref="TrainingLoop.Run{TBatch}"/>.</summary>
/// <param name="History">One record per epoch, including epochs done before a resume.</param>
/// <param name="BestEpoch">The epoch whose weights the model holds (the last unless early stopping restored one).</param>
/// <param name="StoppedEarly">True when early stopping ended the run.</param>
/// <param name="Steps">Steps run by this call.</param>
public sealed record LoopResult(IReadOnlyList<EpochMetrics> History, int BestEpoch, bool StoppedEarly, long Steps);

/// <summary>
/// Training diverged: a step returned a NaN or infinite loss, left a non-finite gradient, or an epoch ended with
/// non-finite weights; going on would only train on NaN. The loop stops before any checkpoint of the bad epoch is
/// written, so the last checkpoint (epoch <see cref="LastGoodEpoch"/>) holds good weights.
/// </summary>
public sealed class NonFiniteLossException(int epoch, int step, double loss, string quantity = "loss", int lastGoodEpoch = 0) : Exception(
    $"the training {quantity} became {(quantity == "loss" ? loss.ToString(System.Globalization.CultureInfo.InvariantCulture) : "NaN or infinite")} " +
    $"at epoch {epoch}, step {step}: training diverged (lower the learning rate, or check the data for NaN or infinite values)")
{
    /// <summary>1-based epoch of the bad step.</summary>
    public int Epoch { get; } = epoch;
    /// <summary>1-based step within the epoch.</summary>
    public int Step { get; } = step;
    /// <summary>The loss the step returned (NaN when the loss was finite but a gradient or weight was not).</summary>
    public double Loss { get; } = loss;
    /// <summary>What became non-finite: <c>loss</c>, <c>gradient</c> or <c>weights</c>.</summary>
    public string Quantity { get; } = quantity;
    /// <summary>The last epoch completed with finite weights (0 = none): its checkpoint, if one was written, is good.</summary>
    public int LastGoodEpoch { get; } = lastGoodEpoch;
}

/// <summary>
/// The one training loop: epochs of steps of an <see cref="ITrainingStep{TBatch}"/>, with one optimiser per phase,
/// the learning-rate schedule, a dispose scope per step, progress and ETA, cancellation, per-epoch sums,
/// evaluation, early stopping, checkpoints and resume. The method's work per batch is the step's.
/// </summary>
/// <remarks>
/// Synchronous on the calling thread (TorchSharp's dispose scopes and grad mode are per thread). The schedule is a
/// function of p = steps done / total steps, counting the epochs of a resumed run, so a resumed run sets the same
/// rates as an uninterrupted one. The loop leaves the modules in the mode the last epoch left them.
/// </remarks>
public sealed class TrainingLoop
{
    private readonly TrainerOptions options;

    /// <summary>A loop with these settings (epochs, optimiser, rates, schedule, threads); validated here.</summary>
    public TrainingLoop(TrainerOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Trains with <paramref name="step"/> on the batches <paramref name="batchesOf"/> gives each epoch.</summary>
    /// <param name="step">The method's work per batch.</param>
    /// <param name="batchesOf">The batches of a 1-based epoch (e.g. shuffled with a seed derived from the epoch, so a
    /// resumed run sees the same ones). Each is made before the step's dispose scope opens.</param>
    /// <param name="stepsPerEpoch">Steps each epoch will have, for the schedule and the ETA.</param>
    /// <param name="hooks">Evaluation, early stopping, checkpoints, resume; null for none.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="cancellation">Checked before every step.</param>
    public LoopResult Run<TBatch>(ITrainingStep<TBatch> step, Func<int, IEnumerable<TBatch>> batchesOf, int stepsPerEpoch,
        LoopHooks? hooks = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        hooks ??= new LoopHooks();
        if (hooks.Patience > 0 && hooks.Model is null) throw new ArgumentException("early stopping needs the model whose best weights it keeps");
        if (stepsPerEpoch < 1) throw new ArgumentException($"an epoch needs at least one step, got {stepsPerEpoch} (is the training set empty?)");
        Seeding.SetThreads(options.Threads);
        var optimizers = new List<OptimizerHelper>();
        Dictionary<string, Tensor>? bestState = null;
        try
        {
            foreach (var phase in step.Phases)
            {
                if (phase.Groups.Sum(g => g.Parameters.Count) == 0)
                    throw new ArgumentException(
                        $"no trainable parameters{(step.Phases.Count > 1 ? $" in phase '{phase.Name}'" : "")}: every parameter is frozen");
                optimizers.Add(Optimizers.Create(options.Optimizer, phase.Groups.Select(g => new OptimizerGroup(g.Parameters,
                    options.LearningRate * g.LearningRateScale, options.WeightDecay * g.WeightDecayScale)).ToArray(), options.Momentum));
            }
            if (optimizers.Count == 0) throw new ArgumentException("the training step has no optimiser phase");
            // The rates the groups were built with; each step sets base × schedule factor on every group.
            var baseRates = optimizers.Select(o => o.ParamGroups.Select(g => g.LearningRate).ToArray()).ToArray();
            var trained = step.Phases.SelectMany(ph => ph.Groups).SelectMany(g => g.Parameters).Distinct().ToArray();

            var history = new List<EpochMetrics>(hooks.Resume?.History ?? []);
            if (hooks.Resume?.OptimizerStatePath is { } statePath) optimizers[0].load_state_dict(statePath);
            long totalSteps = (long)stepsPerEpoch * options.Epochs;
            long stepsBefore = (long)history.Count * stepsPerEpoch, stepsThisRun = 0;
            var clock = Stopwatch.StartNew();
            int bestEpoch = history.Count == 0 ? 0 : BestEpoch(history);
            bool stoppedEarly = false;

            for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
            {
                step.SetTraining(true);   // evaluation after the previous epoch left the modules in eval mode
                var epochClock = Stopwatch.StartNew();
                double lossSum = 0;
                long seen = 0, correct = 0, predictions = 0;
                var extraSums = new Dictionary<string, (double Sum, int Count)>();
                int stepInEpoch = 0;
                foreach (var batch in batchesOf(epoch))
                {
                    cancellation.ThrowIfCancellationRequested();
                    stepInEpoch++;
                    double p = (stepsBefore + stepsThisRun) / (double)totalSteps;
                    double factor = Schedules.LearningRateFactor(options.Schedule, p);
                    for (int o = 0; o < optimizers.Count; o++)
                        for (int g = 0; g < baseRates[o].Length; g++) optimizers[o].ParamGroups.ElementAt(g).LearningRate = baseRates[o][g] * factor;

                    StepOutcome r;
                    using (NewDisposeScope()) r = step.Run(batch, new StepContext(epoch, stepInEpoch, p, optimizers));
                    // A float32 loss read as a double: checking the double costs nothing, unlike a check on tensors.
                    if (!double.IsFinite(r.Loss)) throw new NonFiniteLossException(epoch, stepInEpoch, r.Loss, "loss", history.Count);
                    // A non-finite gradient with a finite loss (e.g. sqrt at 0) turns the weights into NaN at this
                    // step's update; one float64 reduction over the gradients catches it here rather than at the next loss.
                    if (!NonFinite.GradientsFinite(trained)) throw new NonFiniteLossException(epoch, stepInEpoch, r.Loss, "gradient", history.Count);
                    // The product in float, as every trainer summed it before there was one loop: histories stay bit-identical.
                    lossSum += (float)r.Loss * r.Examples;
                    seen += r.Examples;
                    correct += r.Correct;
                    predictions += r.Predictions ?? r.Examples;
                    foreach (var (k, v) in r.Extra ?? new Dictionary<string, double>())
                        extraSums[k] = extraSums.TryGetValue(k, out var s) ? (s.Sum + v, s.Count + 1) : (v, 1);
                    stepsThisRun++;
                    if (progress is not null)
                    {
                        // ETA: the mean step time of this run so far, times the steps left.
                        double perStep = clock.Elapsed.TotalSeconds / stepsThisRun;
                        progress.Report(new TrainingProgress(epoch, options.Epochs, stepInEpoch, stepsPerEpoch, lossSum / seen,
                            Ratio(correct, predictions), seen / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds), clock.Elapsed,
                            TimeSpan.FromSeconds(perStep * (totalSteps - stepsBefore - stepsThisRun))));
                    }
                }
                double seconds = epochClock.Elapsed.TotalSeconds;
                // Before the epoch's checkpoint: weights that overflowed on the last step must not replace the last good save.
                if (!NonFinite.AllFinite(trained)) throw new NonFiniteLossException(epoch, stepInEpoch, double.NaN, "weights", history.Count);
                double lr = optimizers[0].ParamGroups.First().LearningRate;
                var summary = new EpochSummary(epoch, stepInEpoch, seen, lossSum / seen, Ratio(correct, predictions),
                    extraSums.ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count), lr, seconds);
                var val = hooks.EpochTrained?.Invoke(summary);
                history.Add(new EpochMetrics(epoch, summary.Loss, summary.Accuracy, val?.Loss, val?.Accuracy, lr,
                    seen / Math.Max(1e-9, seconds), seconds));
                NativeMemory.ReleaseFinalizable();   // native memory only finalisers free piles up otherwise (see there)

                if (val is not null && (bestEpoch == 0 || val.Accuracy > history[bestEpoch - 1].ValidationAccuracy))
                {
                    bestEpoch = epoch;
                    if (hooks.Patience > 0) bestState = Snapshot(hooks.Model!, bestState);
                }
                else if (val is null) bestEpoch = epoch;
                hooks.EpochEnded?.Invoke(new EpochEnd(epoch, history.ToArray(), optimizers[0]));
                if (hooks.Patience > 0 && val is not null && epoch - bestEpoch >= hooks.Patience)
                {
                    stoppedEarly = true;
                    break;
                }
            }
            if (bestState is not null && bestEpoch != history.Count) hooks.Model!.load_state_dict(bestState);
            else if (bestState is null) bestEpoch = history.Count;
            return new LoopResult(history, bestEpoch, stoppedEarly, stepsThisRun);
        }
        finally
        {
            if (bestState is not null) foreach (var t in bestState.Values) t.Dispose();
            foreach (var o in optimizers) o.Dispose();
        }
    }

    /// <summary>The shuffle seed of a 1-based epoch: derived from the seed and the epoch alone, so a resumed run
    /// shuffles its epochs as an uninterrupted one does.</summary>
    public static ulong ShuffleSeed(int seed, int epoch) => (ulong)seed * 1_000_003UL + (ulong)epoch;

    private static double Ratio(long correct, long predictions) => predictions == 0 ? double.NaN : correct / (double)predictions;

    /// <summary>The best validation accuracy's epoch of a resumed history (the last when none was validated).</summary>
    private static int BestEpoch(IReadOnlyList<EpochMetrics> history)
    {
        int best = history.Count;
        for (int i = 0; i < history.Count; i++)
            if (history[i].ValidationAccuracy > (history[best - 1].ValidationAccuracy ?? double.NegativeInfinity)) best = i + 1;
        return best;
    }

    /// <summary>Detached copies of the weights, replacing (and freeing) the previous best.</summary>
    private static Dictionary<string, Tensor> Snapshot(Module model, Dictionary<string, Tensor>? previous)
    {
        if (previous is not null) foreach (var t in previous.Values) t.Dispose();
        using var noGrad = no_grad();
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }
}
