using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Cli;

/// <summary>Resolves <c>--source</c>: a checkpoint written by <c>transfer train</c> (or <c>finetune</c>).</summary>
internal static class SourceModels
{
    public static (StagedModel Model, string Description) Load(string source)
    {
        var (model, info) = Checkpoint.Load(source);
        int paren = info.Data.IndexOf(" (", StringComparison.Ordinal);
        return (model, $"{info.Architecture} trained on {(paren > 0 ? info.Data[..paren] : info.Data)}");
    }

    public static string[]? ClassNames(string source) => File.Exists(source) ? Checkpoint.ReadInfo(source).ClassNames : null;

    /// <summary>Fails with one line when the target's examples cannot go through the source's architecture.</summary>
    public static void CheckCompatible(StagedModel source, Dataset target, string sourceName, string targetName)
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
