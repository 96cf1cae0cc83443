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
/// Settings of the classifier <see cref="SelfTaughtLearner"/> trains on features: the <see cref="TrainerOptions"/>
/// (defaults: batches of 128, Adam at 0.01 with cosine decay, L2 weight decay 1e-4, the UFLDL softmax's λ) and the
/// classifier. Training runs a fixed number of optimiser steps whatever the number of labelled examples (1 per class
/// or thousands).
/// </summary>
public sealed record FeatureClassifierOptions : TrainerOptions
{
    /// <summary>The defaults: batches of 128 (capped at the training set size), learning rate 0.01, weight decay 1e-4.</summary>
    public FeatureClassifierOptions()
    {
        BatchSize = 128;
        LearningRate = 0.01;
        WeightDecay = 1e-4;
    }

    /// <summary>Default <see cref="FeatureClassifierKind.Softmax"/>.</summary>
    public FeatureClassifierKind Kind { get; init; } = FeatureClassifierKind.Softmax;
    /// <summary>Optimiser steps in total: the epochs are derived from it (so 1 example per class and thousands train
    /// alike); 0 = train for <see cref="TrainerOptions.Epochs"/> instead. Default 600.</summary>
    public int Steps { get; init; } = 600;
    /// <summary>Centre the features on the training mean and divide them by one global standard deviation (so that
    /// pixels, PCA projections and codes reach the classifier on the same scale). Default true.</summary>
    public bool Standardize { get; init; } = true;

    /// <inheritdoc/>
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (Steps < 0) e.Add(new(nameof(Steps), $"classifier steps must be 0 (use epochs) or more, got {Steps}"));
        // "classifier ..." as these settings sit beside the autoencoder's in the self-taught commands.
        e.AddRange(base.Validate().Select(x => x.Field == nameof(Threads) ? x : x with { Message = "classifier " + x.Message }));
        return e;
    }

    internal TrainingOptions ToTrainingOptions(int trainCount)
    {
        int batch = Math.Min(BatchSize, trainCount);
        int stepsPerEpoch = (trainCount + batch - 1) / batch;
        return new TrainingOptions
        {
            Epochs = Steps == 0 ? Epochs : Math.Max(1, (Steps + stepsPerEpoch - 1) / stepsPerEpoch),
            BatchSize = batch,
            LearningRate = LearningRate,
            Optimizer = Optimizer,
            Momentum = Momentum,
            WeightDecay = WeightDecay,
            Schedule = Schedule,
            Seed = Seed,
            Threads = Threads,
            Device = Device,
        };
    }
}
