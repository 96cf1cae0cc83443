namespace TransferSharp.Data;

/// <summary>
/// Counters of one pass of a <see cref="StreamingImageFolder"/>: how much was delivered, how long the consumer
/// (the training step) waited for data, and how full the decode queue got. Updated live during the pass.
/// </summary>
public sealed class StreamStatistics
{
    private long waitTicks;
    private int buffered, peakBuffered, activeWorkers;

    internal StreamStatistics(int decodeThreads, int queueCapacity)
    {
        DecodeThreads = decodeThreads;
        QueueCapacity = queueCapacity;
    }

    /// <summary>Decode threads of this pass.</summary>
    public int DecodeThreads { get; }
    /// <summary>Queue capacity of this pass, in batches.</summary>
    public int QueueCapacity { get; }
    /// <summary>Batches handed to the consumer so far.</summary>
    public int Batches { get; private set; }
    /// <summary>Images handed to the consumer so far.</summary>
    public long Images { get; private set; }
    /// <summary>Batches the consumer had to wait for (not decoded when it asked for them).</summary>
    public int BatchesWaitedFor { get; private set; }
    /// <summary>Total time the consumer spent blocked waiting for a batch.</summary>
    public TimeSpan ConsumerWait => TimeSpan.FromTicks(Interlocked.Read(ref waitTicks));
    /// <summary>
    /// Most batches that were decoded or being decoded and not yet taken by the consumer at any one time; never above
    /// <see cref="QueueCapacity"/>.
    /// </summary>
    public int PeakBufferedBatches => Volatile.Read(ref peakBuffered);
    /// <summary>Decode threads still running (0 once the pass has ended or was abandoned).</summary>
    public int ActiveWorkers => Volatile.Read(ref activeWorkers);

    internal void WorkerStarted() => Interlocked.Increment(ref activeWorkers);
    internal void WorkerEnded() => Interlocked.Decrement(ref activeWorkers);

    /// <summary>A worker took a buffer for a batch.</summary>
    internal void BatchBuffered()
    {
        int now = Interlocked.Increment(ref buffered);
        int peak;
        while (now > (peak = Volatile.Read(ref peakBuffered)) && Interlocked.CompareExchange(ref peakBuffered, now, peak) != peak) { }
    }

    /// <summary>The consumer took a decoded batch out of the queue.</summary>
    internal void BatchTaken(int images, TimeSpan waited)
    {
        Interlocked.Decrement(ref buffered);
        Batches++;
        Images += images;
        if (waited > TimeSpan.Zero)
        {
            BatchesWaitedFor++;
            Interlocked.Add(ref waitTicks, waited.Ticks);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Images} images in {Batches} batches; consumer waited {ConsumerWait.TotalSeconds:0.000} s for {BatchesWaitedFor} batches; " +
        $"peak queue {PeakBufferedBatches}/{QueueCapacity}; {DecodeThreads} decode thread{(DecodeThreads == 1 ? "" : "s")}";
}
