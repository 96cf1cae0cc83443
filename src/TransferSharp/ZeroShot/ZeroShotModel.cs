using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>
/// A trained zero-shot classifier: it scores images against any set of class descriptions, including classes it never
/// saw, so recognising a new class needs only that class's description.
/// </summary>
public abstract class ZeroShotModel : IDisposable
{
    private protected ZeroShotModel(ZeroShotMethod method, Module<Tensor, Tensor> network, IReadOnlyList<EpochMetrics> history)
    {
        Method = method;
        Network = network;
        History = history;
    }

    /// <summary>Which method this is.</summary>
    public ZeroShotMethod Method { get; }

    /// <summary>The trained network (the image network, and for the embedding method the description network too).</summary>
    public Module<Tensor, Tensor> Network { get; }

    /// <summary>Training loss and accuracy per epoch (for DAP the accuracy is the fraction of attributes predicted right).</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>
    /// Compatibility scores <c>(N, K)</c> of images <c>(N, ...)</c> with class descriptions <c>(K, D)</c>; the predicted
    /// class is the arg-max of a row. Call under <c>no_grad</c> with the network in eval mode (as <see cref="Score"/> does).
    /// </summary>
    public abstract Tensor Scores(Tensor images, Tensor descriptions);

    /// <summary>Scores every example of <paramref name="data"/> against <paramref name="candidates"/>, as <c>[N, K]</c>.</summary>
    public float[,] Score(Dataset data, ClassDescriptions candidates, int batchSize = 256)
    {
        var result = new float[data.Count, candidates.Count];
        bool wasTraining = Network.training;
        Network.eval();
        try
        {
            using var noGrad = no_grad();
            var device = Devices.Of(Network);
            using var descriptions = candidates.ToTensor(device);
            int row = 0;
            foreach (var batch in Batches.Of(data, batchSize))
            {
                using var scope = NewDisposeScope();
                var scores = Scores(batch.Inputs.On(device), descriptions);      // (B, K)
                var flat = scores.contiguous().ToArrayOnCpu<float>();
                Buffer.BlockCopy(flat, 0, result, row * candidates.Count * sizeof(float), flat.Length * sizeof(float));
                row += (int)scores.shape[0];
            }
        }
        finally
        {
            if (wasTraining) Network.train();
        }
        return result;
    }

    /// <summary>Writes the network's weights (TorchSharp format) to <paramref name="path"/>.</summary>
    public void Save(string path) => Network.save(path);

    /// <summary>Releases the network and any tensors the method keeps.</summary>
    public virtual void Dispose()
    {
        Network.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Checks that the training set's classes are the described seen classes, in the same order.</summary>
    internal static void RequireAligned(Dataset train, ClassDescriptions seen)
    {
        if (!train.HasLabels) throw new ArgumentException($"training set '{train.Name}' has no labels");
        if (train.ClassCount != seen.Count || !train.ClassNames.Zip(seen.ClassNames).All(p => string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException($"the training set's classes ({string.Join(", ", train.ClassNames)}) must be the described seen classes in the same order ({string.Join(", ", seen.ClassNames)})");
        if (seen.Count < 2) throw new ArgumentException($"zero-shot training needs at least 2 seen classes, got {seen.Count}");
    }
}
