using TorchSharp.Modules;

namespace TransferSharp.Training;

/// <summary>Parameters trained at <c>LearningRateScale</c> times the base learning rate and <c>WeightDecayScale</c>
/// times the weight decay (0 for biases or learnt loss weights that decay must not pull towards zero).</summary>
public sealed record ParameterGroupSpec(IReadOnlyList<Parameter> Parameters, double LearningRateScale = 1.0, double WeightDecayScale = 1.0);

/// <summary>Where a resumed run picks up: the epochs already done and the optimiser state saved with them.</summary>
public sealed record ResumePoint(IReadOnlyList<EpochMetrics> History, string? OptimizerStatePath);

/// <summary>Handed to <see cref="TrainingHooks.EpochEnded"/> after every epoch.</summary>
public sealed record EpochEnd(int Epoch, IReadOnlyList<EpochMetrics> History, OptimizerHelper Optimizer);

/// <summary>
/// Ways for a method to extend the shared supervised loop without copying it: which parameters train and at what
/// rate (layer transfer), an extra loss term (conservative training), and what happens after each epoch (checkpoints).
/// </summary>
public sealed record TrainingHooks
{
    /// <summary>Parameter groups; null = every parameter that requires a gradient, at the base rate.</summary>
    public IReadOnlyList<ParameterGroupSpec>? ParameterGroups { get; init; }

    /// <summary>
    /// Extra loss added to the cross-entropy at every step, from the batch inputs <c>(B, ...)</c> and the model's
    /// logits <c>(B, K)</c>; called inside the step's dispose scope. Null = none.
    /// </summary>
    public Func<Tensor, Tensor, Tensor>? ExtraLoss { get; init; }

    /// <summary>Called after every epoch (e.g. to write a checkpoint).</summary>
    public Action<EpochEnd>? EpochEnded { get; init; }

    /// <summary>Continue an interrupted run instead of starting at epoch 1.</summary>
    public ResumePoint? Resume { get; init; }
}
