namespace TransferSharp.Training;

/// <summary>
/// A device named on the command line or in code: <c>cpu</c>, <c>cuda</c> (device 0), <c>cuda:N</c> or <c>auto</c>
/// (CUDA when TorchSharp reports it, else the CPU), resolved against what TorchSharp reports.
/// </summary>
/// <remarks>
/// CUDA needs TorchSharp's CUDA build in place of TorchSharp-cpu (packages <c>TorchSharp-cuda-linux</c> or
/// <c>TorchSharp-cuda-windows</c>) and an NVIDIA driver; with TorchSharp-cpu, <c>cuda.is_available()</c> is false.
/// </remarks>
public static class DeviceChoice
{
    /// <summary>The accepted forms, for help texts.</summary>
    public const string Forms = "cpu, cuda, cuda:N or auto";

    /// <summary>How run records name <paramref name="device"/>: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public static string Name(Device device) =>
        device.type == DeviceType.CPU ? "cpu" : $"{device.type.ToString().ToLowerInvariant()}:{Math.Max(0, device.index)}";

    /// <summary>
    /// The device <paramref name="choice"/> names. Throws <see cref="ArgumentException"/> with one sentence when the
    /// name is malformed or names a CUDA device TorchSharp does not report.
    /// </summary>
    public static Device Resolve(string choice)
    {
        var c = choice.Trim().ToLowerInvariant();
        if (c == "cpu") return CPU;
        if (c == "auto") return cuda.is_available() ? CUDA : CPU;
        int index;
        if (c == "cuda") index = 0;
        else if (!c.StartsWith("cuda:", StringComparison.Ordinal) || !int.TryParse(c[5..], out index) || index < 0)
            throw new ArgumentException($"device '{choice}' is not one of {Forms}");
        if (!cuda.is_available())
            throw new ArgumentException($"device '{choice}': CUDA is not available (TorchSharp reports no CUDA device; this needs the " +
                                        "TorchSharp-cuda-linux or TorchSharp-cuda-windows package instead of TorchSharp-cpu, and an NVIDIA driver)");
        int count = cuda.device_count();
        if (index >= count) throw new ArgumentException($"device '{choice}': TorchSharp reports {count} CUDA device(s), numbered from 0");
        return new Device(DeviceType.CUDA, index);
    }
}
