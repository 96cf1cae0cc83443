using System.Runtime.InteropServices;
using TransferSharp.Data.Streaming;

namespace TransferSharp.Data;

/// <summary>
/// An image folder (<c>root/&lt;class&gt;/*.png|jpg|jpeg|bmp|webp|gif</c>) read batch by batch instead of into one tensor:
/// for folders too large for memory. Background threads decode and resize the next batches while the training step
/// runs on the current one; memory stays at about <see cref="StreamingOptions.QueueCapacity"/> + 1 batches.
/// </summary>
/// <remarks>
/// <para>Classes, file order, labels, validation and error messages are those of <see cref="ImageFolder.Read"/>
/// (the listing and decoding code is shared), and every value equals what <see cref="ImageFolder.Read"/> gives for the
/// same file, size and colour mode.</para>
/// <para>Each pass (<see cref="Batches"/>) shuffles with <c>randperm(n, generator seeded with seed)</c>, the same
/// permutation <see cref="Data.Batches.Of"/> draws for a <see cref="Dataset"/>, so a streamed folder and the same folder
/// read into memory give identical batches for the same seed, whatever the number of decode threads. Tensors are made
/// on the enumerating thread; decode workers only fill pooled float buffers.</para>
/// </remarks>
public sealed class StreamingImageFolder : IBatchSource
{
    private readonly ImageFolderListing listing;
    private readonly string[] files;
    private readonly long[] labels;

    private StreamingImageFolder(ImageFolderListing listing, string[] files, long[] labels, int height, int width, bool rgb,
        StreamingOptions options, string provenance)
    {
        this.listing = listing;
        this.files = files;
        this.labels = labels;
        Height = height;
        Width = width;
        Rgb = rgb;
        Options = options;
        Provenance = provenance;
    }

    /// <summary>Lists the folder (as <see cref="ImageFolder.Read"/> does) without decoding anything yet.</summary>
    /// <param name="root">The folder holding one subfolder per class.</param>
    /// <param name="height">Height every image is resized to.</param>
    /// <param name="width">Width every image is resized to.</param>
    /// <param name="rgb">Three RGB channels (true) or one grey channel (false).</param>
    /// <param name="options">Decode threads and queue capacity; defaults when null.</param>
    /// <exception cref="InvalidDataException">The folder is missing, has no classes (an unlabelled folder of loose images included), or a class has no images.</exception>
    public static StreamingImageFolder Open(string root, int height, int width, bool rgb = true, StreamingOptions? options = null)
    {
        ImageFolder.CheckSize(height, width);
        options ??= new StreamingOptions();
        options.ThrowIfInvalid();
        var listing = ImageFolder.List(root);
        // Streaming serves training, which needs labels; an unlabelled folder is small enough to read into memory.
        if (listing.Labels is not { } labels)
            throw DataFile.Error(root, "has no class subfolders, so its images have no labels (unlabelled data); streaming reads labelled folders only (root/<class>/<images>)");
        return new StreamingImageFolder(listing, listing.Files.ToArray(), labels.ToArray(), height, width, rgb, options,
            listing.Describe(height, width, rgb) + ", streamed");
    }

    /// <inheritdoc />
    public string Name => listing.Name;
    /// <inheritdoc />
    public int Count => files.Length;
    /// <inheritdoc />
    public bool HasLabels => true;
    /// <inheritdoc />
    public long[] ExampleShape => [Rgb ? 3 : 1, Height, Width];
    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => listing.ClassNames;
    /// <summary>Number of classes.</summary>
    public int ClassCount => listing.ClassNames.Count;
    /// <summary>Where the data came from and what was done to it.</summary>
    public string Provenance { get; }
    /// <summary>Image height after resizing.</summary>
    public int Height { get; }
    /// <summary>Image width after resizing.</summary>
    public int Width { get; }
    /// <summary>RGB (true) or grey (false).</summary>
    public bool Rgb { get; }
    /// <summary>Decode threads and queue capacity.</summary>
    public StreamingOptions Options { get; }
    /// <summary>The image files of this set, in stored order.</summary>
    public IReadOnlyList<string> Files => files;
    /// <summary>The class index of every file.</summary>
    public IReadOnlyList<long> Labels => labels;
    /// <summary>Counters of the most recent (or current) pass; null before the first.</summary>
    public StreamStatistics? LastPass { get; private set; }

    /// <summary>Same files, other decode threads or queue capacity.</summary>
    public StreamingImageFolder WithOptions(StreamingOptions options)
    {
        options.ThrowIfInvalid();
        return new StreamingImageFolder(listing, files, labels, Height, Width, Rgb, options, Provenance);
    }

    /// <summary>
    /// Splits every class in the same proportion, exactly as <see cref="Dataset.StratifiedSplit"/> splits the same
    /// folder read into memory (same seed, same files on each side). Nothing is decoded.
    /// </summary>
    public (StreamingImageFolder Train, StreamingImageFolder Test) StratifiedSplit(double testFraction, int seed)
    {
        var (train, test) = Splits.Stratified(Splits.ByClass(labels, ClassCount), testFraction, seed);
        return (Subset(train, $"stratified split seed {seed}: train {1 - testFraction:0.##}"),
                Subset(test, $"stratified split seed {seed}: test {testFraction:0.##}"));
    }

    private StreamingImageFolder Subset(List<long> indices, string note) =>
        new(listing, indices.Select(i => files[i]).ToArray(), indices.Select(i => labels[i]).ToArray(), Height, Width, Rgb,
            Options, $"{Provenance}; {note}");

    /// <inheritdoc />
    /// <remarks>
    /// Decoding starts when enumeration starts; stopping early (break, exception) stops and joins the decode threads.
    /// A file that does not decode throws the same <see cref="InvalidDataException"/> as <see cref="ImageFolder.Read"/>
    /// when its batch is reached.
    /// </remarks>
    public IEnumerable<Batch> Batches(int batchSize, bool shuffle, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(batchSize, 0);
        return Pass(batchSize, shuffle, seed);
    }

    private IEnumerable<Batch> Pass(int batchSize, bool shuffle, ulong seed)
    {
        var order = Order(shuffle, seed);
        var statistics = new StreamStatistics(Options.DecodeThreads, Options.QueueCapacity);
        LastPass = statistics;
        int channels = Rgb ? 3 : 1, perImage = channels * Height * Width;
        var batchLabels = new long[batchSize];
        using var queue = new DecodeQueue(files, order, batchSize, Height, Width, Rgb, Options, statistics);
        while (queue.Next() is { } ready)
        {
            Tensor x, y;
            try
            {
                for (int i = 0; i < ready.Size; i++) batchLabels[i] = labels[order[ready.Start + i]];
                using (NewDisposeScope())
                {
                    // Native tensors filled by copy: torch.tensor(float[]) would clone into a new managed array per batch.
                    x = empty([ready.Size, channels, Height, Width]);  // (B, C, H, W)
                    x.bytes = MemoryMarshal.AsBytes(ready.Buffer.AsSpan(0, ready.Size * perImage));
                    y = empty([ready.Size], ScalarType.Int64);        // (B)
                    y.bytes = MemoryMarshal.AsBytes(batchLabels.AsSpan(0, ready.Size));
                    x.DetachFromDisposeScope();
                    y.DetachFromDisposeScope();
                }
            }
            finally
            {
                DecodeQueue.Release(ready);
            }
            try
            {
                yield return new Batch(x, y);
            }
            finally
            {
                x.Dispose();
                y.Dispose();
            }
        }
    }

    /// <summary>The pass order: <c>randperm(n)</c> from a generator seeded with <paramref name="seed"/>, as Batches.Of draws it.</summary>
    private int[] Order(bool shuffle, ulong seed)
    {
        if (!shuffle) return Enumerable.Range(0, files.Length).ToArray();
        using var generator = new Generator(seed);
        using var scope = NewDisposeScope();
        return randperm(files.Length, generator: generator, device: CPU).data<long>().ToArray().Select(i => (int)i).ToArray();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {Count} x {string.Join('x', ExampleShape)}, {ClassCount} classes, streamed with {Options.DecodeThreads} decode thread{(Options.DecodeThreads == 1 ? "" : "s")}";
}
