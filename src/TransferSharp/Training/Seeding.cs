namespace TransferSharp.Training;

/// <summary>One seed for every random source, and the CPU thread count.</summary>
/// <remarks>On CPU, the same seed and the same thread count give the same numbers run after run.</remarks>
public static class Seeding
{
    /// <summary>Seeds TorchSharp's global generator and returns a seeded <see cref="Random"/> for C#-side choices.</summary>
    public static Random SeedEverything(int seed)
    {
        NativeLibraryCheck.EnsureLoaded();
        manual_seed(seed);
        return new Random(seed);
    }

    /// <summary>A TorchSharp generator for shuffles, derived from <paramref name="seed"/>.</summary>
    public static Generator Generator(int seed) => new Generator((ulong)seed);

    /// <summary>
    /// Sets the intra-op thread count and returns it; 0 or less means all cores, and more than the cores is capped at
    /// the core count (more threads than cores only contend: <c>--threads 1000</c> ran 1000 spinning workers).
    /// </summary>
    public static int SetThreads(int threads)
    {
        NativeLibraryCheck.EnsureLoaded();
        int n = threads > 0 ? Math.Min(threads, Environment.ProcessorCount) : Environment.ProcessorCount;
        set_num_threads(n);
        return n;
    }
}
