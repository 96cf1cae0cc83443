using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>
/// Trains a <see cref="MultiTaskModel"/> on several labelled tasks together: each step draws a batch from one task
/// (round-robin, proportional to size, or weighted) or from every task, and minimises the weighted sum of the tasks'
/// cross-entropies (<see cref="MultiTaskLoss"/>: fixed weights or learnt uncertainty). Each task is evaluated on its
/// own validation set after every epoch.
/// </summary>
/// <remarks>
/// Step: <c>L = Σ_{t ∈ step} λ_t · CE(head_t(trunk(x_t)), y_t)</c> (+ s_t per present task when learnt), then one
/// optimiser step over trunk, heads and (when learnt) the log variances. Tasks of different sizes are drawn from
/// endless reshuffled streams, so a small task is revisited as often as the sampling asks.
/// </remarks>
public sealed class MultiTaskTrainer
{
    private readonly MultiTaskOptions options;

    /// <summary>A trainer with the given options.</summary>
    /// <exception cref="ArgumentException">Invalid options, naming every bad field.</exception>
    public MultiTaskTrainer(MultiTaskOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="tasks"/> (one per head, matched by name).</summary>
    /// <exception cref="ArgumentException">A bad task: missing head, unlabelled data, wrong shape or class count.</exception>
    public MultiTaskResult Fit(MultiTaskModel model, IReadOnlyList<TaskSpec> tasks,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Check(model, tasks);
        int n = tasks.Count;
        var names = tasks.Select(t => t.Name).ToArray();
        // Model and loss weights on the device before their parameters are collected (moving replaces them).
        var device = options.ResolveDevice();
        model.MoveTo(device);
        using var lossModule = new MultiTaskLoss(options.Weighting, tasks.Select(t => t.LossWeight).ToArray(), options.InitialLogVariance).MoveTo(device);
        var networkParameters = model.parameters().Where(p => p.requires_grad).ToArray();
        if (networkParameters.Length == 0) throw new ArgumentException("no trainable parameters: every parameter is frozen");

        var sampler = new TaskSampler(options.Sampling, tasks.Select(t => t.Train.Count).ToArray(), tasks.Select(t => t.SamplingWeight).ToArray(), options.Seed);
        var streams = tasks.Select((t, i) => new BatchStream(t.Train, options.BatchSize, (ulong)options.Seed * 1_000_003UL + 7919UL * (ulong)(i + 1))).ToArray();
        int stepsPerEpoch = options.StepsPerEpoch > 0 ? options.StepsPerEpoch
            : options.Sampling == TaskSampling.AllTasks ? tasks.Max(t => Batches(t.Train.Count))
            : tasks.Sum(t => Batches(t.Train.Count));

        var history = names.ToDictionary(x => x, _ => new List<EpochMetrics>());
        var epochs = new List<MultiTaskEpoch>();
        var step = new MultiTaskStep(model, lossModule, sampler, streams, names, networkParameters);
        EpochValidation? EpochTrained(EpochSummary e)
        {
            double rate = e.Examples / Math.Max(1e-9, e.Seconds);
            for (int t = 0; t < n; t++)
            {
                var val = tasks[t].Validation is { } v ? Metrics.Evaluate(model.TaskPath(names[t]), v) : null;
                long seen = step.Seen[t];
                history[names[t]].Add(new EpochMetrics(e.Epoch,
                    seen == 0 ? double.NaN : step.LossSum[t] / seen, seen == 0 ? double.NaN : step.Correct[t] / (double)seen,
                    val?.Loss, val?.Accuracy, e.LearningRate, rate, e.Seconds));
            }
            var w = lossModule.Weights();
            var s = lossModule.LogVariances();
            epochs.Add(new MultiTaskEpoch(e.Epoch,
                names.Select((x, i) => (x, w[i])).ToDictionary(p => p.x, p => p.Item2),
                s.Length == 0 ? new Dictionary<string, double>() : names.Select((x, i) => (x, s[i])).ToDictionary(p => p.x, p => p.Item2),
                names.Select((x, i) => (x, step.Steps[i])).ToDictionary(p => p.x, p => p.Item2),
                rate, e.Seconds));
            step.ResetSums();
            return null;   // several tasks, no single score: no early stopping
        }
        try
        {
            // The "batches" are step numbers: the step draws its tasks and their batches inside its dispose scope.
            new TrainingLoop(options).Run(step, _ => Enumerable.Range(1, stepsPerEpoch), stepsPerEpoch,
                new LoopHooks { EpochTrained = EpochTrained }, progress, cancellation);
        }
        finally
        {
            foreach (var st in streams) st.Dispose();
        }
        return new MultiTaskResult(model, history.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<EpochMetrics>)kv.Value), epochs);
    }

    private int Batches(int count) => count > options.BatchSize ? count / options.BatchSize : 1;

    /// <summary>Every problem with the tasks for this model, as one exception naming the tasks.</summary>
    public static void Check(MultiTaskModel model, IReadOnlyList<TaskSpec> tasks)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (tasks is null || tasks.Count == 0) throw new ArgumentException("no tasks to train");
        var errors = tasks.SelectMany(t => t.Validate()).Select(e => e.Message).ToList();
        foreach (var dup in tasks.GroupBy(t => t.Name).Where(g => g.Count() > 1))
            errors.Add($"task name '{dup.Key}' is used {dup.Count()} times");
        var missing = tasks.Select(t => t.Name).Where(x => !model.TaskNames.Contains(x)).ToArray();
        if (missing.Length > 0)
            errors.Add($"the model has no head for task {string.Join(", ", missing.Select(x => $"'{x}'"))} (heads: {string.Join(", ", model.TaskNames)})");
        var idle = model.TaskNames.Where(h => tasks.All(t => t.Name != h)).ToArray();
        if (idle.Length > 0) errors.Add($"no data for head {string.Join(", ", idle.Select(x => $"'{x}'"))}");
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));

        var first = tasks[0];
        if (model.Spec is not { InputStages: > 0 })
            foreach (var t in tasks.Skip(1))
                if (!t.Train.ExampleShape.SequenceEqual(first.Train.ExampleShape))
                    errors.Add($"task '{t.Name}' has {TaskSpec.Shape(t.Train)} examples but task '{first.Name}' has {TaskSpec.Shape(first.Train)}: " +
                               "a shared trunk needs one input shape (resize or convert the channels to align them, or give each task its own input stages)");
        if (model.Spec is { } spec)
        {
            foreach (var t in tasks)
            {
                var head = spec.Tasks.First(h => h.Name == t.Name);
                if (!t.Train.ExampleShape.SequenceEqual(spec.InputShapeOf(head)))
                    errors.Add($"task '{t.Name}' has {TaskSpec.Shape(t.Train)} examples but the model takes {string.Join('x', spec.InputShapeOf(head))}");
                int k = head.ClassCount;
                if (k != t.Train.ClassCount) errors.Add($"task '{t.Name}' has {t.Train.ClassCount} classes but its head has {k} outputs");
            }
        }
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
    }
}
