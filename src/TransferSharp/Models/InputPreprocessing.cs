using TransferSharp.Data;

namespace TransferSharp.Models;

/// <summary>
/// What a model expects done to images in [0, 1] before they reach it, by name, as a checkpoint's sidecar records it
/// (<see cref="Training.CheckpointInfo.Preprocessing"/>): every consumer of a checkpoint goes through
/// <see cref="Apply(string, Dataset)"/>, so a model trained on preprocessed inputs is always fed what it was trained on.
/// </summary>
public static class InputPreprocessing
{
    /// <summary>Inputs as the dataset holds them (images in [0, 1]); what sidecars without the field mean.</summary>
    public const string None = "none";

    /// <summary>ML.NET's ImageNet ResNet-18 preprocessing (<see cref="ImageNetResNet18.Preprocess(Dataset, string?)"/>): ×255, BGR, minus the mean image.</summary>
    public const string ImageNetMlNet = "imagenet-mlnet";

    /// <summary>The names <see cref="Apply(string, Dataset)"/> knows.</summary>
    public static readonly IReadOnlyList<string> Names = [None, ImageNetMlNet];

    /// <summary>A stream of images preprocessed batch by batch as <paramref name="preprocessing"/> says.</summary>
    public static IBatchSource Apply(string preprocessing, IBatchSource data) => preprocessing switch
    {
        None => data,
        ImageNetMlNet => ImageNetResNet18.Preprocess(data),
        _ => throw new ArgumentException($"preprocessing '{preprocessing}' is unknown (choose {string.Join(", ", Names)})"),
    };

    /// <summary>
    /// <paramref name="data"/> preprocessed as <paramref name="preprocessing"/> says. Takes ownership of
    /// <paramref name="data"/>: returns it unchanged for <see cref="None"/>, otherwise a new dataset (and disposes it).
    /// </summary>
    public static Dataset Apply(string preprocessing, Dataset data)
    {
        switch (preprocessing)
        {
            case None:
                return data;
            case ImageNetMlNet:
                using (data) return ImageNetResNet18.Preprocess(data);
            default:
                throw new ArgumentException($"preprocessing '{preprocessing}' is unknown (choose {string.Join(", ", Names)})");
        }
    }
}
