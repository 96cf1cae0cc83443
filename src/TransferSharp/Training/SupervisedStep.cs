using TransferSharp.Data;

namespace TransferSharp.Training;

/// <summary>
/// Supervised training's step: cross-entropy of the model's logits (plus <see cref="TrainingHooks.ExtraLoss"/>), one
/// optimiser over the given parameter groups.
/// </summary>
public sealed class SupervisedStep : ITrainingStep<Batch>
{
    private readonly Module<Tensor, Tensor> model;
    private readonly Func<Tensor, Tensor, Tensor>? extraLoss;
    private readonly Device device;

    /// <summary>A step training <paramref name="model"/>'s <paramref name="groups"/> (null = every parameter that
    /// requires a gradient), adding <paramref name="extraLoss"/>(inputs, logits) to the cross-entropy when given. Each
    /// batch moves to the device the model is on when the step is made.</summary>
    public SupervisedStep(Module<Tensor, Tensor> model, IReadOnlyList<ParameterGroupSpec>? groups = null,
        Func<Tensor, Tensor, Tensor>? extraLoss = null)
    {
        this.model = model;
        this.extraLoss = extraLoss;
        device = Devices.Of(model);
        groups ??= [new ParameterGroupSpec(model.parameters().Where(p => p.requires_grad).ToArray())];
        Phases = [new TrainingPhase("all", groups)];
    }

    /// <inheritdoc/>
    public IReadOnlyList<TrainingPhase> Phases { get; }

    /// <inheritdoc/>
    public void SetTraining(bool training) => model.train(training);

    /// <inheritdoc/>
    public StepOutcome Run(Batch batch, StepContext context)
    {
        batch = batch.On(device);
        var optimizer = context.Optimizers[0];
        optimizer.zero_grad();
        var logits = model.call(batch.Inputs);                        // (B, K)
        var loss = functional.cross_entropy(logits, batch.Labels!);
        if (extraLoss is not null) loss = loss + extraLoss(batch.Inputs, logits);
        loss.backward();
        optimizer.step();
        return new StepOutcome(loss.item<float>(), batch.Inputs.shape[0], logits.argmax(1).eq(batch.Labels!).sum().item<long>());
    }
}
