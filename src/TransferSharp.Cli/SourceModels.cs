using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Cli;

/// <summary>
/// Resolves <c>--source</c>: a checkpoint written by <c>transfer train</c> (or <c>finetune</c>), or
/// <c>resnet18-imagenet</c>, ML.NET's ImageNet ResNet-18 (features only: its head is untrained).
/// </summary>
internal static class SourceModels
{
    public static bool IsImageNet(string source) => source == ImageNetResNet18.SourceName;

    public static (StagedModel Model, string Description) Load(string source, IBatchSource target, string architecture = "resnet18", bool allowPickle = false)
    {
        if (!IsImageNet(source) && !File.Exists(source))
            throw new FileNotFoundException($"--source {source}: no such file (give a checkpoint, a PyTorch state dict or {ImageNetResNet18.SourceName})", source);
        if (!File.Exists(Checkpoint.SidecarPath(source)) && (PyTorchWeights.IsPickle(source) || PyTorchWeights.IsSafetensors(source)))
            return (FromPyTorch(source, target, architecture, allowPickle), $"{architecture} with PyTorch weights from {Path.GetFileName(source)}");
        if (!IsImageNet(source) && !File.Exists(Checkpoint.SidecarPath(source)))
            throw new InvalidDataException($"--source {source}: neither a checkpoint of transfer train (no {Path.GetFileName(Checkpoint.SidecarPath(source))} next to it) " +
                                           $"nor a PyTorch state dict ({PyTorchWeights.Extensions}, the pickled ones with --allow-pickle)");
        if (IsImageNet(source))
            return (ImageNetResNet18.Load(classCount: 1000, size: (int)target.ExampleShape[^1]),
                "ResNet-18 trained on ImageNet (ML.NET's ONNX, features only)");
        var (model, info) = Checkpoint.Load(source);
        int paren = info.Data.IndexOf(" (", StringComparison.Ordinal);
        return (model, $"{info.Architecture} trained on {(paren > 0 ? info.Data[..paren] : info.Data)}");
    }

    // A PyTorch state dict: the architecture is given, the class count is read from the head's weight in the file.
    private static StagedModel FromPyTorch(string path, IBatchSource target, string architecture, bool allowPickle)
    {
        string head;
        using (var probe = ModelZoo.Create(new ModelSpec(architecture, target.ExampleShape, 2)))
            head = probe.StageParameters(probe.StageNames[^1]).First(p => p.Parameter.dim() == 2).Name;
        int classes;
        var state = PyTorchWeights.Read(path, allowPickle);
        try
        {
            classes = state.TryGetValue(head, out var w) ? (int)w.shape[0]
                : throw new InvalidDataException($"{path}: no '{head}' in the file, so it is not a {architecture} state dict (see --source-model)");
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
        var model = ModelZoo.Create(new ModelSpec(architecture, target.ExampleShape, classes));
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

    public static string[]? ClassNames(string source) => !IsImageNet(source) && File.Exists(Checkpoint.SidecarPath(source)) ? Checkpoint.ReadInfo(source).ClassNames : null;

    /// <summary>
    /// What the source's inputs need (<see cref="InputPreprocessing"/>): ImageNet preprocessing for
    /// <c>resnet18-imagenet</c>, what its sidecar says for a checkpoint, none otherwise. Models fine-tuned from the
    /// source keep it, so their checkpoints record it.
    /// </summary>
    public static string Preprocessing(string source) =>
        IsImageNet(source) ? InputPreprocessing.ImageNetMlNet
        : File.Exists(Checkpoint.SidecarPath(source)) && File.Exists(source) ? Checkpoint.ReadInfo(source).Preprocessing
        : InputPreprocessing.None;

    /// <summary>The target as the source expects it (see <see cref="Preprocessing"/>); takes ownership of <paramref name="target"/>.</summary>
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
    public static IBatchSource PrepareTarget(string source, IBatchSource target)
    {
        var shape = target.ExampleShape;
        if (IsImageNet(source) && (shape.Length != 3 || shape[1] < 32 || shape[2] < 32))
            throw new ArgumentException($"--source {source} needs images of at least 32x32 (224x224 is what it was trained on); use --size");
        return InputPreprocessing.Apply(Preprocessing(source), target);
    }

    /// <summary>Fails with one line when the target's examples cannot go through the source's architecture.</summary>
    public static void CheckCompatible(StagedModel source, IBatchSource target, string sourceName, string targetName)
    {
        var s = source.Spec.InputShape;
        var t = target.ExampleShape;
        string Shape(long[] x) => string.Join('x', x);
        if (s.Length != t.Length || s[0] != t[0])
            throw new ArgumentException($"--target {targetName} has examples {Shape(t)} but --source {sourceName} was trained on {Shape(s)}; use --channels or --resize to match");
        // LeNet and the MLP end in fully connected layers sized for one input size; cnn and resnet18 pool globally.
        if (source.Spec.Architecture is "lenet" or "mlp" && !s.SequenceEqual(t))
            throw new ArgumentException($"--target {targetName} has examples {Shape(t)} but the {source.Spec.Architecture} in --source {sourceName} needs {Shape(s)}; use --resize to match");
    }
}
