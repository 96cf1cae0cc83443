namespace TransferSharp.Data;

/// <summary>
/// Anything that can hand out labelled (or unlabelled) minibatches epoch by epoch: an in-memory <see cref="Dataset"/>
/// or a <see cref="StreamingImageFolder"/> that decodes images on background threads.
/// </summary>
/// <remarks>
/// Every call to <see cref="Batches"/> starts one pass over all <see cref="Count"/> examples. Each batch is owned by
/// the enumerator and disposed when the next one is fetched or the enumeration ends (as <see cref="Data.Batches.Of"/>
/// does): compute from it, do not keep it. Enumerate on the thread that uses the tensors (TorchSharp's dispose scopes
/// are per thread).
/// </remarks>
public interface IBatchSource
{
    /// <summary>Short name, e.g. <c>mnist</c> or the folder's name.</summary>
    string Name { get; }
    /// <summary>Number of examples in one pass.</summary>
    int Count { get; }
    /// <summary>True when batches carry labels.</summary>
    bool HasLabels { get; }
    /// <summary>Shape of one example: <c>[C, H, W]</c> or <c>[D]</c>.</summary>
    long[] ExampleShape { get; }
    /// <summary>Names of the classes, indexed by label.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// One pass over the examples in minibatches of <paramref name="batchSize"/> (the last may be smaller).
    /// With <paramref name="shuffle"/>, the order is a permutation drawn from <paramref name="seed"/>: the same seed
    /// gives the same batches; without it, the examples come in their stored order and the seed is ignored.
    /// </summary>
    IEnumerable<Batch> Batches(int batchSize, bool shuffle, ulong seed);
}
