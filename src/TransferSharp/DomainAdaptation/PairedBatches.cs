using TransferSharp.Data;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// An endless stream of shuffled batches from one dataset, reshuffled on every pass: how the shorter of the source
/// and target sets is cycled so that every step has one batch from each, whatever their sizes.
/// </summary>
internal sealed class CyclingBatches : IDisposable
{
    private readonly Dataset data;
    private readonly int batchSize;
    private readonly ulong seed;
    private int pass;
    private Generator? generator;
    private IEnumerator<Batch>? current;

    public CyclingBatches(Dataset data, int batchSize, ulong seed)
    {
        if (data.Count < 2) throw new ArgumentException($"dataset '{data.Name}' has {data.Count} example(s); adaptation needs at least 2 per domain");
        this.data = data;
        this.batchSize = Math.Min(batchSize, data.Count);
        this.seed = seed;
    }

    /// <summary>The next batch; valid until the next call (the enumerator owns it).</summary>
    public Batch Next()
    {
        while (true)
        {
            if (current is not null && current.MoveNext()) return current.Current;
            current?.Dispose();
            generator?.Dispose();
            generator = new Generator(seed * 1_000_003UL + (ulong)pass++);
            // Full batches only: a batch of one breaks batch norm, and equal sizes keep the domain loss balanced.
            current = Batches.Of(data, batchSize, shuffle: true, generator: generator, dropLast: true).GetEnumerator();
        }
    }

    public void Dispose()
    {
        current?.Dispose();
        generator?.Dispose();
    }
}
