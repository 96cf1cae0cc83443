using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>The classifier trained on features.</summary>
public enum FeatureClassifierKind
{
    /// <summary>Softmax (multinomial logistic) regression: one linear layer.</summary>
    Softmax,
    /// <summary>A small MLP: one hidden layer of 128 ReLU units.</summary>
    Mlp,
}

/// <summary>
/// Settings of the classifier <see cref="SelfTaughtLearner"/> trains on features. Training runs a fixed number of
/// optimiser steps whatever the number of labelled examples (1 per class or thousands), with Adam and L2 weight decay.
/// </summary>
public sealed record FeatureClassifierOptions
{
    /// <summary>Default <see cref="FeatureClassifierKind.Softmax"/>.</summary>
    public FeatureClassifierKind Kind { get; init; } = FeatureClassifierKind.Softmax;
    /// <summary>Optimiser steps in total (epochs are derived from it). Default 600.</summary>
    public int Steps { get; init; } = 600;
    /// <summary>Examples per step (capped at the training set size). Default 128.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam learning rate, decayed by a cosine. Default 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>L2 weight decay. Default 1e-4 (the UFLDL softmax's λ).</summary>
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Centre the features on the training mean and divide them by one global standard deviation (so that
    /// pixels, PCA projections and codes reach the classifier on the same scale). Default true.</summary>
    public bool Standardize { get; init; } = true;
    /// <summary>Seeds the classifier's weights and shuffles. Default 0.</summary>
    public int Seed { get; init; }
    /// <summary>CPU threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Steps < 1) e.Add($"classifier steps must be at least 1, got {Steps}");
        if (BatchSize < 1) e.Add($"classifier batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) e.Add($"classifier learning rate must be positive, got {LearningRate}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) e.Add($"classifier weight decay must be finite and non-negative, got {WeightDecay}");
        if (Threads < 0) e.Add($"threads must be non-negative, got {Threads}");
        return e;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void ThrowIfInvalid()
    {
        var e = Validate();
        if (e.Count > 0) throw new ArgumentException(string.Join("; ", e));
    }

    internal TrainingOptions ToTrainingOptions(int trainCount)
    {
        int batch = Math.Min(BatchSize, trainCount);
        int stepsPerEpoch = (trainCount + batch - 1) / batch;
        return new TrainingOptions
        {
            Epochs = Math.Max(1, (Steps + stepsPerEpoch - 1) / stepsPerEpoch),
            BatchSize = batch,
            LearningRate = LearningRate,
            Optimizer = OptimizerKind.Adam,
            WeightDecay = WeightDecay,
            Schedule = ScheduleKind.Cosine,
            Seed = Seed,
            Threads = Threads,
        };
    }
}
