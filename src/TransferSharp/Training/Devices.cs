using TransferSharp.Data;

namespace TransferSharp.Training;

/// <summary>
/// Moving modules and batches to the training device, and reading results back. Data sets stay on the CPU; a batch
/// moves inside the step's dispose scope, so its device copy goes with the step.
/// </summary>
/// <remarks>
/// Nothing moves when it is already where it should be: on the CPU every call here returns its argument, so CPU runs
/// compute exactly what they did before there was a device choice.
/// </remarks>
internal static class Devices
{
    /// <summary>Where <paramref name="module"/>'s first parameter (or buffer) lives; the CPU for a module without either.</summary>
    public static Device Of(Module module) =>
        module.parameters().Select(p => p.device).Concat(module.buffers().Select(b => b.device)).FirstOrDefault() ?? CPU;

    /// <summary>Whether <paramref name="t"/> lives on <paramref name="device"/>.</summary>
    public static bool IsOn(this Tensor t, Device device) => t.device_type == device.type && t.device_index == DeviceIndex(t, device);

    /// <summary>Whether every parameter and buffer of <paramref name="module"/> lives on <paramref name="device"/>.</summary>
    public static bool IsOn(this Module module, Device device) =>
        module.parameters().All(p => p.IsOn(device)) && module.buffers().All(b => b.IsOn(device));

    /// <summary><paramref name="t"/> itself when it is on <paramref name="device"/>, else a copy there.</summary>
    public static Tensor On(this Tensor t, Device device) => t.IsOn(device) ? t : t.to(device);

    /// <summary>The batch with its tensors on <paramref name="device"/> (the same batch when they are there).</summary>
    public static Batch On(this Batch batch, Device device) => new(batch.Inputs.On(device), batch.Labels?.On(device));

    /// <summary>
    /// Moves <paramref name="module"/> (in place) to <paramref name="device"/> unless every parameter and buffer is
    /// there already. TorchSharp replaces the parameters of a module it moves: collect parameters (optimiser groups,
    /// L2-SP's starting point) after this, never before.
    /// </summary>
    public static T MoveTo<T>(this T module, Device device) where T : Module
    {
        if (!module.IsOn(device)) module.to(device);
        return module;
    }

    /// <summary>The elements of <paramref name="t"/> as a managed array, copied to the CPU first when it lives elsewhere.</summary>
    public static T[] ToArrayOnCpu<T>(this Tensor t) where T : unmanaged
    {
        if (t.device_type == DeviceType.CPU) return t.data<T>().ToArray();
        using var cpu = t.cpu();
        return cpu.data<T>().ToArray();
    }

    /// <summary>
    /// Loads weights saved by <c>Module.save</c> into <paramref name="module"/> wherever it lives: TorchSharp writes
    /// tensors to the file from the CPU and reads them into CPU memory, so a module elsewhere is loaded on the CPU and
    /// moved back (which replaces its parameters, as any move does).
    /// </summary>
    public static void LoadWeights(Module module, string path, bool strict = true)
    {
        var device = Of(module);
        if (device.type == DeviceType.CPU)
        {
            module.load(path, strict);
            return;
        }
        module.to(CPU);
        try { module.load(path, strict); }
        finally { module.to(device); }
    }

    // A device without an index (CUDA meaning the current one) matches a tensor on any index of its type.
    private static long DeviceIndex(Tensor t, Device device) => device.index < 0 ? t.device_index : device.index;
}
