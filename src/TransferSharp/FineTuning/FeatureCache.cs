using TransferSharp.Data;
using TransferSharp.Models;

namespace TransferSharp.FineTuning;

/// <summary>
/// Frozen-backbone feature extraction: when every feature stage is frozen, their output never changes, so it is
/// computed once per example and only the head trains, on <c>(N, F)</c> features.
/// </summary>
internal static class FeatureCache
{
    /// <summary>
    /// The features <c>(N, F)</c> of <paramref name="data"/> through every stage but the head, with its labels, computed
    /// <paramref name="batchSize"/> examples at a time (the training batch size: a 224x224 ResNet-18 batch of 256 would
    /// need about 0.8 GB per activation).
    /// </summary>
    public static Dataset Compute(StagedModel model, Dataset data, int batchSize = 256)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var parts = new List<Tensor>();
            for (long start = 0; start < data.Count; start += batchSize)
            {
                // One scope per batch: the batch's activations are freed before the next batch, only (B, F) is kept.
                using var batchScope = NewDisposeScope();
                var x = data.Inputs.narrow(0, start, Math.Min(batchSize, data.Count - start));
                parts.Add(model.Features(x).flatten(1).MoveToOuterDisposeScope());                                    // (B, F)
            }
            var features = cat(parts.ToArray(), 0);                                                                   // (N, F)
            return new Dataset($"{data.Name} features", features, data.Labels?.clone(), data.ClassNames,
                $"{data.Provenance}; features of the frozen {model.Spec.Architecture} stages");
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }
}
