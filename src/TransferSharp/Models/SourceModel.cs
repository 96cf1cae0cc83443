using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.Models;

/// <summary>A source model resolved from its name, and one line on what it is.</summary>
/// <param name="Model">The network (the caller owns it).</param>
/// <param name="Description">E.g. <c>lenet trained on mnist:0-4</c>.</param>
public sealed record LoadedSource(StagedModel Model, string Description);

/// <summary>
/// Resolves a transfer source by name: a checkpoint written by <see cref="Checkpoint.Save"/> (its sidecar next to it),
/// a PyTorch state dict (the architecture given, the class count read from the head's weight in the file), or
/// <see cref="ImageNetResNet18.SourceName"/>, ML.NET's ImageNet ResNet-18 (features only: its head is untrained).
/// Also what the target needs to go through it: its preprocessing, and whether its shape fits.
/// </summary>
/// <remarks>Errors name the source as the CLI's <c>--source</c> and the target as <c>--target</c>.</remarks>
public static class SourceModel
{
    /// <summary>True for ML.NET's ImageNet ResNet-18.</summary>
    public static bool IsImageNet(string source) => source == ImageNetResNet18.SourceName;

    /// <summary>Loads the source; <paramref name="targetShape"/> (one target example) sizes the ImageNet and PyTorch networks.</summary>
    /// <param name="source">A checkpoint path, a PyTorch state dict path or <see cref="ImageNetResNet18.SourceName"/>.</param>
    /// <param name="targetShape">The shape of one target example.</param>
    /// <param name="architecture">A PyTorch state dict's architecture (a <see cref="ModelZoo"/> name).</param>
    /// <param name="allowPickle">Allow a pickled PyTorch file (unpickling can run code in it).</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Neither a checkpoint nor a state dict of <paramref name="architecture"/>.</exception>
    public static LoadedSource Load(string source, long[] targetShape, string architecture = "resnet18", bool allowPickle = false)
    {
        if (!IsImageNet(source) && !File.Exists(source))
            throw new FileNotFoundException($"--source {source}: no such file (give a checkpoint, a PyTorch state dict or {ImageNetResNet18.SourceName})", source);
        if (!File.Exists(Checkpoint.SidecarPath(source)) && (PyTorchWeights.IsPickle(source) || PyTorchWeights.IsSafetensors(source)))
            return new(FromPyTorch(source, targetShape, architecture, allowPickle), $"{architecture} with PyTorch weights from {Path.GetFileName(source)}");
        if (!IsImageNet(source) && !File.Exists(Checkpoint.SidecarPath(source)))
            throw new InvalidDataException($"--source {source}: neither a checkpoint of transfer train (no {Path.GetFileName(Checkpoint.SidecarPath(source))} next to it) " +
                                           $"nor a PyTorch state dict ({PyTorchWeights.Extensions}, the pickled ones with --allow-pickle)");
        if (IsImageNet(source))
            return new(ImageNetResNet18.Load(classCount: 1000, size: (int)targetShape[^1]),
                "ResNet-18 trained on ImageNet (ML.NET's ONNX, features only)");
        var (model, info) = Checkpoint.Load(source);
        int paren = info.Data.IndexOf(" (", StringComparison.Ordinal);
        return new(model, $"{info.Architecture} trained on {(paren > 0 ? info.Data[..paren] : info.Data)}");
    }

    // A PyTorch state dict: the architecture is given, the class count is read from the head's weight in the file.
    private static StagedModel FromPyTorch(string path, long[] targetShape, string architecture, bool allowPickle)
    {
        string head;
        using (var probe = ModelZoo.Create(new ModelSpec(architecture, targetShape, 2)))
            head = probe.StageParameters(probe.StageNames[^1]).First(p => p.Parameter.dim() == 2).Name;
        int classes;
        var state = PyTorchWeights.Read(path, allowPickle);
        try
        {
            classes = state.TryGetValue(head, out var w) ? (int)w.shape[0]
                : throw new InvalidDataException($"{path}: no '{head}' in the file, so it is not a {architecture} state dict (see --model)");
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
        var model = ModelZoo.Create(new ModelSpec(architecture, targetShape, classes));
        try
        {
            PyTorchWeights.Load(model, path, allowPickle);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>The class names of a checkpoint's task; null for ImageNet features and PyTorch state dicts.</summary>
    public static string[]? ClassNames(string source) =>
        !IsImageNet(source) && File.Exists(Checkpoint.SidecarPath(source)) ? Checkpoint.ReadInfo(source).ClassNames : null;

    /// <summary>
    /// What the source's inputs need (<see cref="InputPreprocessing"/>): ImageNet preprocessing for
    /// <see cref="ImageNetResNet18.SourceName"/>, what its sidecar says for a checkpoint, none otherwise. Models
    /// fine-tuned from the source keep it, so their checkpoints record it.
    /// </summary>
    public static string Preprocessing(string source) =>
        IsImageNet(source) ? InputPreprocessing.ImageNetMlNet
        : File.Exists(Checkpoint.SidecarPath(source)) && File.Exists(source) ? Checkpoint.ReadInfo(source).Preprocessing
        : InputPreprocessing.None;

    /// <summary>The target as the source expects it (see <see cref="Preprocessing"/>); takes ownership of <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentException">ImageNet features asked of images smaller than 32x32, or of non-images.</exception>
    public static Dataset PrepareTarget(string source, Dataset target)
    {
        if (IsImageNet(source) && (!target.IsImage || target.ExampleShape[1] < 32 || target.ExampleShape[2] < 32))
        {
            target.Dispose();
            throw new ArgumentException($"--source {source} needs images of at least 32x32 (224x224 is what it was trained on); use --size or --resize");
        }
        return InputPreprocessing.Apply(Preprocessing(source), target);
    }

    /// <summary>A streamed target as the source expects it: the same checks as for a dataset, preprocessing batch by batch.</summary>
    /// <exception cref="ArgumentException">ImageNet features asked of images smaller than 32x32, or of non-images.</exception>
    public static IBatchSource PrepareTarget(string source, IBatchSource target)
    {
        var shape = target.ExampleShape;
        if (IsImageNet(source) && (shape.Length != 3 || shape[1] < 32 || shape[2] < 32))
            throw new ArgumentException($"--source {source} needs images of at least 32x32 (224x224 is what it was trained on); use --size");
        return InputPreprocessing.Apply(Preprocessing(source), target);
    }

    /// <summary>Fails with one line when examples of <paramref name="targetShape"/> cannot go through the source's architecture.</summary>
    /// <exception cref="ArgumentException">Another channel count or rank; or another size for an architecture of
    /// fixed input size (<see cref="ModelEntry.FixedInputSize"/>).</exception>
    public static void CheckCompatible(StagedModel source, long[] targetShape, string sourceName, string targetName)
    {
        var s = source.Spec.InputShape;
        var t = targetShape;
        string Shape(long[] x) => string.Join('x', x);
        if (s.Length != t.Length || s[0] != t[0])
            throw new ArgumentException($"--target {targetName} has examples {Shape(t)} but --source {sourceName} was trained on {Shape(s)}; use --channels or --resize to match");
        if (ModelZoo.Entries.Any(e => e.Name == source.Spec.Architecture && e.FixedInputSize) && !s.SequenceEqual(t))
            throw new ArgumentException($"--target {targetName} has examples {Shape(t)} but the {source.Spec.Architecture} in --source {sourceName} needs {Shape(s)}; use --resize to match");
    }
}
