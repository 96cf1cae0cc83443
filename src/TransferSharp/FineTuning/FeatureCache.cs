using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

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
    public static Dataset Compute(StagedModel model, IBatchSource data, int batchSize = 256)
    {
        bool wasTraining = model.training;
        var device = Devices.Of(model);
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var parts = new List<Tensor>();
            var labels = new List<Tensor>();
            foreach (var batch in data.Batches(batchSize, shuffle: false, seed: 0))
            {
                // One scope per batch: the batch's activations are freed before the next batch, only (B, F) is kept.
                using var batchScope = NewDisposeScope();
                // The features join the data sets on the CPU; only the forward pass runs on the model's device.
                parts.Add(model.Features(batch.Inputs.On(device)).flatten(1).On(CPU).MoveToOuterDisposeScope());   // (B, F)
                if (batch.Labels is { } l) labels.Add(l.clone().MoveToOuterDisposeScope());                           // (B)
            }
            var features = cat(parts.ToArray(), 0);                                                                   // (N, F)
            var y = data.HasLabels ? cat(labels.ToArray(), 0) : null;                                                 // (N)
            string provenance = data is Dataset d ? d.Provenance : data.ToString() ?? data.Name;
            return new Dataset($"{data.Name} features", features, y, data.ClassNames,
                $"{provenance}; features of the frozen {model.Spec.Architecture} stages");
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }
}
