using System.Buffers;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace TransferSharp.Data.Streaming;

/// <summary>
/// One pass of background decoding for <see cref="StreamingImageFolder"/>: worker threads take whole batches from a
/// bounded channel and decode their images into pooled float buffers; the consumer takes the batches back strictly in
/// order. At most <c>capacity</c> batches are ever handed out and not yet taken, which bounds memory.
/// </summary>
/// <remarks>
/// Ordering does not depend on the number of threads: batch <c>k</c> always holds the files at
/// <c>order[k*B .. (k+1)*B)</c>, whichever worker decodes it, and the consumer waits for batch <c>k</c> before
/// <c>k+1</c>. A decode error is kept with its batch and rethrown on the consumer when it reaches that batch.
/// Dispose cancels the workers (they stop between two images) and joins them, so abandoning a pass leaks nothing.
/// </remarks>
internal sealed class DecodeQueue : IDisposable
{
    /// <summary>A batch handed to the workers: which files, and (once <see cref="Done"/> is set) its values or error.</summary>
    internal sealed class PendingBatch(int start, int size)
    {
        public int Start { get; } = start;
        public int Size { get; } = size;
        public float[]? Buffer { get; set; }               // rented; (Size, C, H, W) values in its first Size*C*H*W floats
        public ExceptionDispatchInfo? Error { get; set; }
        public ManualResetEventSlim Done { get; } = new(false);
    }

    private readonly IReadOnlyList<string> files;
    private readonly int[] order;
    private readonly int batchSize, height, width, perImage, capacity, batchCount;
    private readonly bool rgb;
    private readonly StreamStatistics statistics;
    private readonly Channel<PendingBatch> work;
    private readonly Queue<PendingBatch> window = new(); // handed to the workers, not yet taken; in batch order
    private readonly CancellationTokenSource stop = new();
    private readonly Thread[] workers;
    private int nextBatch;
    private bool disposed;

    public DecodeQueue(IReadOnlyList<string> files, int[] order, int batchSize, int height, int width, bool rgb,
        StreamingOptions options, StreamStatistics statistics)
    {
        this.files = files;
        this.order = order;
        this.batchSize = batchSize;
        this.height = height;
        this.width = width;
        this.rgb = rgb;
        this.statistics = statistics;
        perImage = (rgb ? 3 : 1) * height * width;
        capacity = options.QueueCapacity;
        batchCount = (order.Length + batchSize - 1) / batchSize;
        // The window never holds more than `capacity` batches, so writes to this channel never have to wait.
        work = Channel.CreateBounded<PendingBatch>(new BoundedChannelOptions(capacity)
            { SingleWriter = true, SingleReader = options.DecodeThreads == 1, FullMode = BoundedChannelFullMode.Wait });
        Feed();
        workers = new Thread[options.DecodeThreads];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(Work) { IsBackground = true, Name = $"TransferSharp image decode {i}" };
            statistics.WorkerStarted();
            workers[i].Start();
        }
    }

    /// <summary>
    /// The next batch in order, waiting for it if it is not decoded yet; null after the last. Give it back with
    /// <see cref="Release"/> once its values are copied out. Throws the batch's decode error, if any.
    /// </summary>
    public PendingBatch? Next()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (window.Count == 0) return null;
        var head = window.Peek();
        var waited = TimeSpan.Zero;
        if (!head.Done.IsSet)
        {
            long start = Stopwatch.GetTimestamp();
            head.Done.Wait();
            waited = Stopwatch.GetElapsedTime(start);
        }
        window.Dequeue();
        statistics.BatchTaken(head.Size, waited);
        Feed();
        if (head.Error is { } error)
        {
            Release(head);
            error.Throw();
        }
        return head;
    }

    /// <summary>Returns a taken batch's buffer to the pool.</summary>
    public static void Release(PendingBatch batch)
    {
        if (batch.Buffer is { } buffer) ArrayPool<float>.Shared.Return(buffer);
        batch.Buffer = null;
        // Done is not disposed: a ManualResetEventSlim whose WaitHandle was never used holds nothing unmanaged, and
        // disposing it while the worker's Set() is still returning would race.
    }

    /// <summary>Hands batches to the workers until the window is full or every batch of the pass is out.</summary>
    private void Feed()
    {
        while (window.Count < capacity && nextBatch < batchCount)
        {
            int start = nextBatch * batchSize;
            var batch = new PendingBatch(start, Math.Min(batchSize, order.Length - start));
            nextBatch++;
            window.Enqueue(batch);
            if (!work.Writer.TryWrite(batch)) throw new InvalidOperationException("decode queue is full although the window is not");
        }
        if (nextBatch == batchCount) work.Writer.TryComplete();
    }

    private void Work()
    {
        try
        {
            var reader = work.Reader;
            while (true)
            {
                if (reader.TryRead(out var batch))
                {
                    Decode(batch);
                    continue;
                }
                // Blocking is fine here: this is a dedicated thread. False means the pass has no more batches.
                if (!reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult()) break;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The consumer abandoned the pass.
        }
        finally
        {
            statistics.WorkerEnded();
        }
    }

    private void Decode(PendingBatch batch)
    {
        try
        {
            batch.Buffer = ArrayPool<float>.Shared.Rent(batch.Size * perImage);
            statistics.BatchBuffered();
            for (int i = 0; i < batch.Size; i++)
            {
                stop.Token.ThrowIfCancellationRequested();
                ImageFolder.DecodeInto(files[order[batch.Start + i]], height, width, rgb, batch.Buffer.AsSpan(i * perImage, perImage));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            batch.Error = ExceptionDispatchInfo.Capture(e);
        }
        batch.Done.Set();
    }

    /// <summary>Stops the workers (between two images), waits for them and returns every buffer still out.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        stop.Cancel();
        work.Writer.TryComplete();
        foreach (var t in workers) t.Join();
        while (window.TryDequeue(out var batch)) Release(batch);
        stop.Dispose();
    }
}
