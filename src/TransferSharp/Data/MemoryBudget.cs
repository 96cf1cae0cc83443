using System.Globalization;

namespace TransferSharp.Data;

/// <summary>
/// Estimates checked before large allocations, so that a reader, a resize or a model build that cannot fit fails with
/// the file or setting and the figures instead of the kernel killing the process (exit 137, no message) or an
/// "Exception of type OutOfMemoryException" naming nothing.
/// </summary>
internal static class MemoryBudget
{
    /// <summary>
    /// Bytes this process can still allocate: the smaller of the kernel's MemAvailable (Linux) and what the runtime
    /// reports as available (the machine or container limit) minus what it holds.
    /// </summary>
    public static long Available()
    {
        var gc = GC.GetGCMemoryInfo();
        long runtime = gc.TotalAvailableMemoryBytes - GC.GetTotalMemory(false);
        return Math.Max(0, Math.Min(runtime, MemAvailable() ?? long.MaxValue));
    }

    private static long? MemAvailable()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return null;
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }

    /// <summary>Null when <paramref name="bytes"/> fits the available memory; else "needs X but Y is available".</summary>
    public static string? Shortfall(Int128 bytes)
    {
        long available = Available();
        return bytes <= available ? null : $"needs {Show(bytes)} but {Show(available)} of memory is available";
    }

    /// <summary>Throws an <see cref="InvalidDataException"/> "path: what needs X but Y is available" when it does not fit.</summary>
    public static void RequireForFile(string path, Int128 bytes, string what)
    {
        if (Shortfall(bytes) is { } s) throw DataFile.Error(path, $"{what} {s}");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> "what needs X but Y is available" when it does not fit.</summary>
    public static void RequireForSetting(Int128 bytes, string what)
    {
        if (Shortfall(bytes) is { } s) throw new ArgumentException($"{what} {s}");
    }

    /// <summary>1234567890 → "1.1 GiB".</summary>
    public static string Show(Int128 bytes)
    {
        double b = (double)bytes;
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int u = 0;
        while (b >= 1024 && u < units.Length - 1) { b /= 1024; u++; }
        return u == 0 ? FormattableString.Invariant($"{b:0} bytes") : FormattableString.Invariant($"{b:0.0} {units[u]}");
    }
}
