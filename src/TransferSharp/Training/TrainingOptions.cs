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

/// <summary>Settings of the supervised training loop. Defaults suit small image classifiers on CPU.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set. Default 10.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Examples per step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Base learning rate. Default 3e-3 (Adam with cosine decay; measured on LeNet/MNIST, see bench/).</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>SGD momentum. Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>L2 weight decay (decoupled for AdamW). Default 0.</summary>
    public double WeightDecay { get; init; }
    /// <summary>Default cosine decay.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    /// <summary>Stop after this many epochs without a better validation accuracy and restore the best weights; 0 = off.</summary>
    public int Patience { get; init; }
    /// <summary>Seeds initialisation and shuffles. Default 0.</summary>
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
        if (Patience < 0) e.Add($"patience must be non-negative, got {Patience}");
        if (Threads < 0) e.Add($"threads must be non-negative, got {Threads}");
        return e;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void ThrowIfInvalid()
    {
        var e = Validate();
        if (e.Count > 0) throw new ArgumentException(string.Join("; ", e));
    }
}
