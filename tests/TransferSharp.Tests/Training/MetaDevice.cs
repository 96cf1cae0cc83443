using TorchSharp.Modules;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

/// <summary>
/// Device-consistency checks without a GPU, with libtorch's <c>meta</c> device (shapes, no data).
/// </summary>
/// <remarks>
/// Two ways:
/// <list type="bullet">
/// <item>Meta tensors: a loss fed meta inputs (and a module moved to meta) computes shapes only, and an element-wise op
/// joining a meta tensor to one created on the CPU throws "Expected all tensors to be on the same device", as on CUDA.
/// Measured on TorchSharp 0.107 / libtorch 2.10: meta has no kernel for relu, convolutions, batch and layer norm,
/// index_select (so embeddings), binary cross-entropy, abs, trace, roll, where, cdist or attention, so no model of
/// the zoo runs there; <see cref="MetaDeviceTests"/> shows each missing kernel and checks the losses that do run.</item>
/// <item>Meta as TorchSharp's default device (<see cref="AsDefault"/>): the model and the data stay on the CPU, so every
/// op runs, but a tensor made without <c>device:</c> lands on meta, and the first op joining it to the CPU tensors
/// throws (or, through an op whose meta kernel does not check devices, its result is meta and the first read of a value
/// fails). A path that passes creates every tensor on the device of the tensors it works with.</item>
/// </list>
/// </remarks>
internal static class MetaDevice
{
    public static readonly Device Meta = new(DeviceType.META);

    /// <summary>
    /// Makes meta TorchSharp's default device until disposed. The default device is process-wide: only tests of the
    /// Sequential collection use it, and modules are built before it is set (a module built under it lives on meta).
    /// </summary>
    public static IDisposable AsDefault()
    {
        var before = get_default_device();
        set_default_device(Meta);
        return new Restore(before);
    }

    private sealed class Restore(Device before) : IDisposable
    {
        public void Dispose() => set_default_device(before);
    }

    /// <summary>The error of reading a value of a meta tensor (item, data, a copy to the CPU).</summary>
    public static bool IsRead(Exception e) =>
        e.Message.Contains("Cannot copy out of meta tensor", StringComparison.Ordinal)
        || e.Message.Contains("Reading data from non-CPU memory", StringComparison.Ordinal);

    /// <summary>Every parameter and buffer of <paramref name="module"/> is on <paramref name="type"/>.</summary>
    public static void AllOn(Module module, DeviceType type)
    {
        Assert.All(module.parameters(), p => Assert.Equal(type, p.device_type));
        Assert.All(module.buffers(), b => Assert.Equal(type, b.device_type));
    }

    /// <summary>One optimiser per phase, as the training loop builds them (Adam, the in-place one the loop uses).</summary>
    public static StepContext Context(IReadOnlyList<TrainingPhase> phases, double progress = 0.5) =>
        new(1, 1, progress, phases.Select(ph => Optimizers.Create(OptimizerKind.Adam,
            ph.Groups.Select(g => new OptimizerGroup(g.Parameters, 1e-3)).ToArray())).ToArray());

    /// <summary>Runs <paramref name="step"/> once on <paramref name="batch"/> with meta as the default device; returns its outcome.</summary>
    public static StepOutcome RunWithMetaDefault<TBatch>(ITrainingStep<TBatch> step, TBatch batch, double progress = 0.5)
    {
        var context = Context(step.Phases, progress);
        try
        {
            step.SetTraining(true);
            using var scope = NewDisposeScope();
            using var meta = AsDefault();
            var outcome = step.Run(batch, context);
            Assert.True(double.IsFinite(outcome.Loss), $"loss {outcome.Loss}");
            return outcome;
        }
        finally
        {
            foreach (var o in context.Optimizers) o.Dispose();
        }
    }
}
