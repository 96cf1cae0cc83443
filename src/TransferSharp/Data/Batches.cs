namespace TransferSharp.Data;

/// <summary>One minibatch: inputs <c>(B, ...)</c> and labels <c>(B)</c> (null for unlabelled data).</summary>
public readonly record struct Batch(Tensor Inputs, Tensor? Labels);

/// <summary>Seeded, shuffled minibatches cut from a dataset's tensors with <c>index_select</c>.</summary>
public static class Batches
{
    /// <summary>
    /// Minibatches over <paramref name="data"/>. Each batch is owned by the enumerator and disposed when the next
    /// one is fetched (as TorchSharp's DataLoader does): compute from it, do not keep it.
    /// </summary>
    /// <param name="data">The dataset.</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="shuffle">Shuffle the order with <paramref name="generator"/>.</param>
    /// <param name="generator">Random source for the shuffle; pass a seeded one for reproducible runs.</param>
    /// <param name="dropLast">Skip a final batch smaller than <paramref name="batchSize"/>.</param>
    public static IEnumerable<Batch> Of(Dataset data, int batchSize, bool shuffle = false, Generator? generator = null, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(batchSize, 0);
        long n = data.Count;
        // The order lives where the data does (the CPU): batches are cut there and moved by the step that uses them.
        var device = data.Inputs.device;
        using var order = (shuffle ? randperm(n, generator: generator, device: device) : arange(n, device: device)).DetachFromDisposeScope();
        for (long start = 0; start < n; start += batchSize)
        {
            long size = Math.Min(batchSize, n - start);
            if (dropLast && size < batchSize) yield break;
            Tensor x;
            Tensor? labels = null;
            using (NewDisposeScope())
            {
                var idx = order.narrow(0, start, size);
                x = data.Inputs.index_select(0, idx).DetachFromDisposeScope();
                if (data.Labels is not null) labels = data.Labels.index_select(0, idx).DetachFromDisposeScope();
            }
            try
            {
                yield return new Batch(x, labels);
            }
            finally
            {
                x.Dispose();
                labels?.Dispose();
            }
        }
    }
}
