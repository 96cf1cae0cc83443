namespace TransferSharp.Training;

/// <summary>Loads TorchSharp's native library once and turns a load failure into one clear message.</summary>
internal static class NativeLibraryCheck
{
    private static readonly Lazy<string?> Failure = new(TryLoad);

    /// <summary>Throws <see cref="InvalidOperationException"/> saying what is missing when libtorch cannot load.</summary>
    public static void EnsureLoaded()
    {
        if (Failure.Value is { } message) throw new InvalidOperationException(message);
    }

    private static string? TryLoad()
    {
        NativeMemory.TuneAllocator();
        try
        {
            using var probe = ones(1);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return Describe(e);
        }
    }

    /// <summary>One sentence: what failed to load and what to do about it.</summary>
    internal static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        string hint = inner.Message.Contains("GLIBCXX", StringComparison.Ordinal)
            ? " The system libstdc++ is older than TorchSharp's native glue wants; build through the TransferSharp package or this repository (their build step marks that version need weak in the output), or install libstdc++ from GCC 13 or later."
            : " Check that the TorchSharp-cpu package restored and its runtimes/<rid>/native folder sits next to the program.";
        return $"TorchSharp's native library could not be loaded: {inner.Message.TrimEnd('.')}.{hint}";
    }
}
