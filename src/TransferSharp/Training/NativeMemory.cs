using System.Runtime.InteropServices;

namespace TransferSharp.Training;

/// <summary>
/// Process-wide allocator tuning for training on Linux/glibc. With glibc's defaults, the multi-MB activation buffers
/// of every step are mmap'ed and munmap'ed again, and 25–30 % of CPU time goes to the kernel; raising the mmap
/// threshold to 32 MiB and the trim threshold to 1 GiB keeps them in the heap (measured +50 % throughput on LeNet
/// training, in PyTorch and TorchSharp alike; see ../shared/bench/peer).
/// </summary>
internal static class NativeMemory
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private static int applied;

    /// <summary>True once the tuning is in effect (Linux with glibc only).</summary>
    public static bool AllocatorTuned { get; private set; }

    /// <summary>
    /// Applies the tuning once; does nothing on other platforms or C libraries, or when the environment variable
    /// <c>TRANSFERSHARP_MALLOC_TUNING</c> is <c>0</c> (for measuring its effect, or for hosts that tune malloc themselves).
    /// </summary>
    public static void TuneAllocator()
    {
        if (Interlocked.Exchange(ref applied, 1) == 1 || !OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("TRANSFERSHARP_MALLOC_TUNING") == "0") return;
        try
        {
            AllocatorTuned = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 & mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            AllocatorTuned = false;   // not glibc (e.g. musl): leave the allocator alone
        }
    }

    /// <summary>
    /// Runs a full garbage collection and the finalisers it queues. The trainers call it at every epoch end.
    /// </summary>
    /// <remarks>
    /// Some TorchSharp objects that nobody disposes (<see cref="Scalar"/>s from implicit double conversions, handles
    /// created inside optimiser steps) own native memory that only their finaliser frees; a training loop allocates
    /// so little managed memory that the GC hardly runs, so that native memory piles up (measured: about 10 KB per
    /// LeNet step, 15–20 MiB before the first GC) and, with the allocator tuning, fragments the heap. A collection
    /// with a small managed heap takes about a millisecond, nothing against an epoch.
    /// </remarks>
    public static void ReleaseFinalizable()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
