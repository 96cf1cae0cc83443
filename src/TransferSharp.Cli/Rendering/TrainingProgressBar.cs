using TransferSharp.Training;

namespace TransferSharp.Cli.Rendering;

/// <summary>Progress of a training run: epoch, loss, accuracy, images/s, ETA.</summary>
internal static class TrainingProgressBar
{
    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work) =>
        ProgressBar.Run<TrainingProgress, T>(title, p => (p.Fraction,
            $"{title} epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:0.000}  acc {p.Accuracy:P1}  {p.ExamplesPerSecond:N0} img/s  ETA {ProgressBar.Eta(p.Remaining)}",
            p.Step == p.StepsPerEpoch), work);
}
