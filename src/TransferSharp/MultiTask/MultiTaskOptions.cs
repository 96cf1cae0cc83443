using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>Which task (or tasks) a training step draws its batch from.</summary>
public enum TaskSampling
{
    /// <summary>Tasks take turns, one batch each: every task gets the same number of steps, whatever its size.</summary>
    RoundRobin,
    /// <summary>A random task per step, with probability proportional to its number of training examples.</summary>
    Proportional,
    /// <summary>A random task per step, with probability proportional to its <see cref="TaskSpec.SamplingWeight"/>.</summary>
    Weighted,
    /// <summary>One batch of every task in every step; the step's loss is the weighted sum over all tasks.</summary>
    AllTasks,
}

/// <summary>How the per-task losses are combined into the loss that is minimised.</summary>
public enum LossWeighting
{
    /// <summary><c>L = Σ_t w_t · L_t</c> with the fixed <see cref="TaskSpec.LossWeight"/> w_t.</summary>
    Fixed,
    /// <summary>
    /// Learnt homoscedastic uncertainty (Kendall, Gal &amp; Cipolla 2018): <c>L = Σ_t exp(−s_t) · L_t + s_t</c>, with
    /// <c>s_t = log σ²_t</c> learnt alongside the network.
    /// </summary>
    Uncertainty,
}

/// <summary>Settings of <see cref="MultiTaskTrainer"/>. Defaults suit small image classifiers on CPU.</summary>
public sealed record MultiTaskOptions
{
    /// <summary>Epochs (each of <see cref="StepsPerEpoch"/> steps). Default 5.</summary>
    public int Epochs { get; init; } = 5;
    /// <summary>Examples per batch (per task in <see cref="TaskSampling.AllTasks"/>). Default 32.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Base learning rate. Default 3e-3 (Adam with cosine decay, as <see cref="TrainingOptions"/>).</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>SGD momentum. Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>L2 weight decay (decoupled for AdamW). Default 0. Never applied to the learnt log variances.</summary>
    public double WeightDecay { get; init; }
    /// <summary>Default cosine decay.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    /// <summary>Default round-robin.</summary>
    public TaskSampling Sampling { get; init; } = TaskSampling.RoundRobin;
    /// <summary>Default fixed weights.</summary>
    public LossWeighting Weighting { get; init; } = LossWeighting.Fixed;
    /// <summary>Starting value of every learnt log variance s_t (uncertainty weighting). Default 0, i.e. weight 1.</summary>
    public double InitialLogVariance { get; init; }
    /// <summary>
    /// Steps per epoch; 0 (default) = one pass over every task's batches (Σ_t ⌈n_t / B⌉), or over the largest task's
    /// batches with <see cref="TaskSampling.AllTasks"/>.
    /// </summary>
    public int StepsPerEpoch { get; init; }
    /// <summary>Seeds initialisation of the loss weights, task sampling and shuffles. Default 0.</summary>
    public int Seed { get; init; }
    /// <summary>CPU threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Epochs < 1) e.Add($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) e.Add($"batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) e.Add($"learning rate must be positive, got {LearningRate}");
        if (Momentum is < 0 or >= 1) e.Add($"momentum must be in [0, 1), got {Momentum}");
        if (WeightDecay < 0) e.Add($"weight decay must be non-negative, got {WeightDecay}");
        if (!double.IsFinite(InitialLogVariance)) e.Add($"initial log variance must be finite, got {InitialLogVariance}");
        if (StepsPerEpoch < 0) e.Add($"steps per epoch must be 0 (automatic) or more, got {StepsPerEpoch}");
        if (Threads < 0) e.Add($"threads must be non-negative, got {Threads}");
        if (!Enum.IsDefined(Sampling)) e.Add($"sampling {Sampling} is unknown");
        if (!Enum.IsDefined(Weighting)) e.Add($"weighting {Weighting} is unknown");
        return e;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void ThrowIfInvalid()
    {
        var e = Validate();
        if (e.Count > 0) throw new ArgumentException(string.Join("; ", e));
    }
}
