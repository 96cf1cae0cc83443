using TransferSharp.Training;

namespace TransferSharp.Cli.Rendering;

/// <summary>Progress of autoencoder training: reconstruction loss, no accuracy.</summary>
internal static class AutoencoderProgressBar
{
    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work) =>
        ProgressBar.Run<TrainingProgress, T>(title, p => (p.Fraction,
            $"{title} epoch {p.Epoch}/{p.Epochs}  reconstruction {p.Loss:0.000}  {p.ExamplesPerSecond:N0} img/s  ETA {ProgressBar.Eta(p.Remaining)}",
            p.Step == p.StepsPerEpoch), work);
}
