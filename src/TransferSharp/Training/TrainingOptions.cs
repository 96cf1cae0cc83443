namespace TransferSharp.Training;

/// <summary>Optimisers the training loop can build.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum (and Nesterov off).</summary>
    Sgd,
    /// <summary>Adam.</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
}

/// <summary>
/// Settings of the supervised training loop: the <see cref="TrainerOptions"/> with their defaults (10 epochs of 32,
/// Adam at 3e-3 with cosine decay, measured on LeNet/MNIST, see bench/) and early stopping.
/// </summary>
public sealed record TrainingOptions : TrainerOptions
{
    /// <summary>Stop after this many epochs without a better validation accuracy and restore the best weights; 0 = off.</summary>
    public int Patience { get; init; }

    /// <inheritdoc/>
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = base.Validate().ToList();
        if (Patience < 0) e.Add(new(nameof(Patience), $"patience must be non-negative, got {Patience}"));
        return e;
    }
}
