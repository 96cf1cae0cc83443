namespace TransferSharp.Data;

/// <summary>
/// A batch source whose inputs go through a function as each batch is handed out (a model's preprocessing applied to
/// a stream, where there is no whole tensor to transform once). Labels, names and order are the inner source's.
/// </summary>
internal sealed class MappedBatchSource : IBatchSource
{
    private readonly IBatchSource inner;
    private readonly Func<Tensor, Tensor> map;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="map"/> turns a batch <c>(B, ...)</c> into <c>(B, exampleShape...)</c>.</summary>
    /// <param name="inner">The source of the raw batches.</param>
    /// <param name="map">Runs on the consuming thread inside its own dispose scope; its result is kept, the rest freed.</param>
    /// <param name="exampleShape">Shape of one mapped example.</param>
    /// <param name="description">What the map does, for <see cref="ToString"/>.</param>
    public MappedBatchSource(IBatchSource inner, Func<Tensor, Tensor> map, long[] exampleShape, string description)
    {
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
        this.map = map ?? throw new ArgumentNullException(nameof(map));
        ExampleShape = exampleShape;
        Description = description;
    }

    /// <summary>What the map does.</summary>
    public string Description { get; }
    /// <inheritdoc/>
    public string Name => inner.Name;
    /// <inheritdoc/>
    public int Count => inner.Count;
    /// <inheritdoc/>
    public bool HasLabels => inner.HasLabels;
    /// <inheritdoc/>
    public long[] ExampleShape { get; }
    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => inner.ClassNames;

    /// <inheritdoc/>
    public IEnumerable<Batch> Batches(int batchSize, bool shuffle, ulong seed)
    {
        foreach (var batch in inner.Batches(batchSize, shuffle, seed))
        {
            Tensor x;
            using (NewDisposeScope()) x = map(batch.Inputs).DetachFromDisposeScope();
            try
            {
                yield return new Batch(x, batch.Labels);
            }
            finally
            {
                x.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{inner}; {Description}";
}
