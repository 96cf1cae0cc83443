namespace TransferSharp.DomainAdaptation;

/// <summary>What one epoch of domain adaptation measured. Accuracies are fractions; NaN where not measured.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="ClassificationLoss">Mean source cross-entropy over the epoch's steps (target cross-entropy for target-only).</param>
/// <param name="AlignmentLoss">Mean alignment loss, unweighted: domain BCE (DANN, CDAN), MMD² (MMD), CORAL, the classifier
/// discrepancy after the generator steps (MCD); NaN for the baselines.</param>
/// <param name="EntropyLoss">Mean target prediction entropy (measured by every method that reads the target; a training term only when weighted); NaN for the baselines.</param>
/// <param name="TrainAccuracy">Accuracy on the labelled training batches.</param>
/// <param name="DomainAccuracy">Domain classifier accuracy on the training batches (DANN and CDAN only; NaN otherwise).</param>
/// <param name="SourceAccuracy">Accuracy on the source validation set, when given.</param>
/// <param name="TargetAccuracy">Accuracy on the labelled target evaluation set, when given (evaluation only, never used for training or selection).</param>
/// <param name="Lambda">The method's scheduled coefficient at the epoch's last step (<see cref="AdaptationMethodOptions.CoefficientAt"/>:
/// the gradient reversal coefficient of DANN/CDAN, the alignment loss weight of MMD/CORAL); NaN for methods without one.</param>
/// <param name="LearningRate">Learning rate at the end of the epoch.</param>
/// <param name="Seconds">Wall time of the epoch's training steps.</param>
/// <param name="TargetEntropy">Label-free: mean prediction entropy on the scored unlabelled target examples
/// (<see cref="TargetScores.Entropy"/>, after the epoch, evaluation mode); NaN when not measured.</param>
/// <param name="InformationMaximisation">Label-free: <see cref="TargetScores.InformationMaximisation"/>; NaN when not measured.</param>
/// <param name="Snd">Label-free: soft neighbourhood density, <see cref="TargetScores.Snd"/>; NaN when not measured.</param>
/// <param name="DevRisk">Label-free: the Deep Embedded Validation risk (<see cref="DeepEmbeddedValidation"/>; lower is
/// better), from the source validation set and the scored target examples; NaN without either.</param>
public sealed record AdaptationEpoch(
    int Epoch,
    double ClassificationLoss,
    double AlignmentLoss,
    double EntropyLoss,
    double TrainAccuracy,
    double DomainAccuracy,
    double? SourceAccuracy,
    double? TargetAccuracy,
    double Lambda,
    double LearningRate,
    double Seconds,
    double TargetEntropy = double.NaN,
    double InformationMaximisation = double.NaN,
    double Snd = double.NaN,
    double DevRisk = double.NaN);

/// <summary>The outcome of <see cref="DomainAdaptationTrainer.Fit"/>: the trained network and its per-epoch history.</summary>
public sealed class AdaptationResult
{
    internal AdaptationResult(AdaptationNetwork network, IReadOnlyList<AdaptationEpoch> history, int steps, int selectedEpoch)
    {
        Network = network;
        History = history;
        Steps = steps;
        SelectedEpoch = selectedEpoch;
    }

    /// <summary>The trained network: the weights of <see cref="SelectedEpoch"/> (target labels never choose them).</summary>
    public AdaptationNetwork Network { get; }
    /// <summary>One record per epoch.</summary>
    public IReadOnlyList<AdaptationEpoch> History { get; }
    /// <summary>Optimisation steps taken.</summary>
    public int Steps { get; }
    /// <summary>The 1-based epoch whose weights <see cref="Network"/> holds, chosen by <see cref="AdaptationOptions.Select"/>.</summary>
    public int SelectedEpoch { get; }
    /// <summary>The last epoch.</summary>
    public AdaptationEpoch Final => History[^1];
}
