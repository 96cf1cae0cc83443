namespace TransferSharp.Training;

/// <summary>What one epoch measured.</summary>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double LearningRate,
    double ExamplesPerSecond,
    double Seconds);

/// <summary>Reported during training: plain numbers only, safe to hand to another thread.</summary>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    int Step,
    int StepsPerEpoch,
    double Loss,
    double Accuracy,
    double ExamplesPerSecond,
    TimeSpan Elapsed,
    TimeSpan Remaining)
{
    /// <summary>Fraction of all steps done, in [0, 1].</summary>
    public double Fraction => ((Epoch - 1) * (double)StepsPerEpoch + Step) / Math.Max(1.0, Epochs * (double)StepsPerEpoch);
}

/// <summary>The outcome of a training run.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(Module<Tensor, Tensor> model, IReadOnlyList<EpochMetrics> history, int bestEpoch, bool stoppedEarly)
    {
        Model = model;
        History = history;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
    }

    /// <summary>The trained model (the best epoch's weights when early stopping is on).</summary>
    public Module<Tensor, Tensor> Model { get; }
    /// <summary>One record per epoch, including epochs done before a resume.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }
    /// <summary>The epoch whose weights the model holds.</summary>
    public int BestEpoch { get; }
    /// <summary>True when early stopping ended the run.</summary>
    public bool StoppedEarly { get; }
    /// <summary>The last epoch's metrics.</summary>
    public EpochMetrics Final => History[^1];
}
