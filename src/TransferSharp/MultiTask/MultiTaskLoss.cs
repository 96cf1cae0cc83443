using TorchSharp.Modules;
using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>
/// Combines per-task losses into the one loss that is minimised: a fixed weighted sum, or learnt uncertainty
/// weighting (Kendall, Gal &amp; Cipolla 2018, "Multi-task learning using uncertainty to weigh losses").
/// </summary>
/// <remarks>
/// Fixed: <c>L = Σ_t w_t · L_t</c>. Uncertainty: <c>L = Σ_t exp(−s_t) · L_t + s_t</c>, with one learnt
/// <c>s_t = log σ²_t</c> per task (the parameter <c>log_variance</c>, shape <c>(T)</c>). Minimising over s_t gives
/// <c>exp(−s_t) = 1 / L_t</c>: a task whose loss stays high (noisy labels, a hard task) is weighted down, and the
/// <c>+ s_t</c> term stops every weight from collapsing to zero. Learning s = log σ² rather than σ keeps it
/// unconstrained and numerically stable, as in the paper. The paper's classification derivation gives
/// <c>exp(−s_t) · L_t + s_t / 2</c>; this uses one form for every task, its regression form with <c>+ s_t</c> (the
/// common implementation: at the optimum both weigh the tasks in proportion to 1 / L_t, and differ only by a common factor 2). Only the tasks present in a step contribute.
/// </remarks>
public sealed class MultiTaskLoss : Module
{
    // Field names are state-dict keys; null (fixed weighting) registers nothing.
    private readonly Parameter? log_variance;
    private readonly double[] fixedWeights;

    /// <summary>A loss over <paramref name="fixedWeights"/>.Length tasks.</summary>
    /// <param name="weighting">Fixed or learnt.</param>
    /// <param name="fixedWeights">w_t, used with <see cref="LossWeighting.Fixed"/>; must be finite and non-negative.</param>
    /// <param name="initialLogVariance">Starting s_t for <see cref="LossWeighting.Uncertainty"/>.</param>
    public MultiTaskLoss(LossWeighting weighting, IReadOnlyList<double> fixedWeights, double initialLogVariance = 0) : base("multitask-loss")
    {
        if (fixedWeights.Count == 0) throw new ArgumentException("no tasks to weigh");
        if (fixedWeights.Any(w => !(w >= 0) || double.IsInfinity(w)))
            throw new ArgumentException($"loss weights must be finite and non-negative, got {string.Join(", ", fixedWeights)}");
        Weighting = weighting;
        this.fixedWeights = fixedWeights.ToArray();
        if (weighting == LossWeighting.Uncertainty)
            log_variance = new Parameter(full(fixedWeights.Count, initialLogVariance, dtype: ScalarType.Float32).DetachFromDisposeScope(), requires_grad: true);
        RegisterComponents();
    }

    /// <summary>Fixed or learnt.</summary>
    public LossWeighting Weighting { get; }

    /// <summary>Number of tasks.</summary>
    public int TaskCount => fixedWeights.Length;

    /// <summary>
    /// The combined loss (a scalar) from per-task mean losses; <c>null</c> entries are tasks absent from this step.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong number of entries, or every entry null.</exception>
    public Tensor Combine(IReadOnlyList<Tensor?> taskLosses)
    {
        if (taskLosses.Count != TaskCount) throw new ArgumentException($"expected {TaskCount} task losses, got {taskLosses.Count}");
        Tensor? total = null;
        for (int t = 0; t < TaskCount; t++)
        {
            if (taskLosses[t] is not { } l) continue;
            var term = log_variance is null
                ? l * fixedWeights[t]
                : exp(-log_variance[t]) * l + log_variance[t];
            total = total is null ? term : total + term;
        }
        return total ?? throw new ArgumentException("no task loss in this step");
    }

    /// <summary>Current weight of each task's loss: w_t, or exp(−s_t) when learnt.</summary>
    public double[] Weights()
    {
        if (log_variance is null) return fixedWeights.ToArray();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return exp(-log_variance).ToArrayOnCpu<float>().Select(v => (double)v).ToArray();
    }

    /// <summary>The learnt s_t = log σ²_t; empty for fixed weighting.</summary>
    public double[] LogVariances()
    {
        if (log_variance is null) return [];
        using var noGrad = no_grad();
        return log_variance.ToArrayOnCpu<float>().Select(v => (double)v).ToArray();
    }
}
