using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>What one multitask epoch measured besides the per-task metrics: the loss weights and the share of steps.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="LossWeights">Weight of each task's loss at the end of the epoch (w_t, or exp(−s_t) when learnt), by task.</param>
/// <param name="LogVariances">Learnt s_t by task; empty for fixed weighting.</param>
/// <param name="Steps">Batches each task contributed this epoch, by task.</param>
/// <param name="ExamplesPerSecond">Training examples per second over the epoch, all tasks together.</param>
/// <param name="Seconds">Training time of the epoch, without evaluation.</param>
public sealed record MultiTaskEpoch(int Epoch, IReadOnlyDictionary<string, double> LossWeights,
    IReadOnlyDictionary<string, double> LogVariances, IReadOnlyDictionary<string, int> Steps, double ExamplesPerSecond, double Seconds);

/// <summary>The outcome of a multitask run: the model, each task's learning curve and the loss weights per epoch.</summary>
public sealed class MultiTaskResult
{
    internal MultiTaskResult(MultiTaskModel model, IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> history, IReadOnlyList<MultiTaskEpoch> epochs)
    {
        Model = model;
        History = history;
        Epochs = epochs;
    }

    /// <summary>The trained model (the last epoch's weights).</summary>
    public MultiTaskModel Model { get; }

    /// <summary>
    /// Per task, one record per epoch: training loss and accuracy over the batches that task contributed, and its
    /// validation loss and accuracy (null without a validation set).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> History { get; }

    /// <summary>Loss weights, step counts and speed per epoch.</summary>
    public IReadOnlyList<MultiTaskEpoch> Epochs { get; }
}
