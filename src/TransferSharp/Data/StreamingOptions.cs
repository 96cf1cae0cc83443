using TransferSharp.Training;

namespace TransferSharp.Data;

/// <summary>How a <see cref="StreamingImageFolder"/> decodes: worker threads and how far they may run ahead.</summary>
public sealed record StreamingOptions
{
    /// <summary>Default decode threads: half the cores (the other half run the training step), 1 to 8.</summary>
    public static int DefaultDecodeThreads => Math.Clamp(Environment.ProcessorCount / 2, 1, 8);

    /// <summary>Background threads that decode and resize images. Default <see cref="DefaultDecodeThreads"/>.</summary>
    public int DecodeThreads { get; init; } = DefaultDecodeThreads;

    /// <summary>
    /// Batches decoded (or being decoded) ahead of the consumer, at most. Memory held by the queue is about
    /// <c>QueueCapacity x batch x C x H x W x 4</c> bytes, plus the batch the consumer holds. Default 4.
    /// </summary>
    public int QueueCapacity { get; init; } = 4;

    /// <summary>Every problem with these options, one message each; empty when they are usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (DecodeThreads is < 1 or > 256) e.Add(new(nameof(DecodeThreads), $"decode threads must be in 1..256, got {DecodeThreads}"));
        if (QueueCapacity is < 1 or > 1024) e.Add(new(nameof(QueueCapacity), $"queue capacity must be in 1..1024 batches, got {QueueCapacity}"));
        return e;
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());
}
