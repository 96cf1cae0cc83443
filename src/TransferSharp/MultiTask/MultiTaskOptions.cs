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

/// <summary>
/// Settings of <see cref="MultiTaskTrainer"/>: the <see cref="TrainerOptions"/> (defaults suit small image classifiers
/// on CPU: 5 epochs of 32, Adam at 3e-3 with cosine decay, as <see cref="TrainingOptions"/>) and the task mixing. The
/// batch size is per task in <see cref="TaskSampling.AllTasks"/>; weight decay is never applied to the learnt log variances.
/// </summary>
public sealed record MultiTaskOptions : TrainerOptions
{
    /// <summary>The defaults: 5 epochs (each of <see cref="StepsPerEpoch"/> steps), the rest as <see cref="TrainerOptions"/>.</summary>
    public MultiTaskOptions() => Epochs = 5;

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

    /// <inheritdoc/>
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = base.Validate().ToList();
        if (!double.IsFinite(InitialLogVariance)) e.Add(new(nameof(InitialLogVariance), $"initial log variance must be finite, got {InitialLogVariance}"));
        if (StepsPerEpoch < 0) e.Add(new(nameof(StepsPerEpoch), $"steps per epoch must be 0 (automatic) or more, got {StepsPerEpoch}"));
        if (!Enum.IsDefined(Sampling)) e.Add(new(nameof(Sampling), $"sampling {Sampling} is unknown"));
        if (!Enum.IsDefined(Weighting)) e.Add(new(nameof(Weighting), $"weighting {Weighting} is unknown"));
        return e;
    }
}
