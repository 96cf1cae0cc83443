using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

[Collection("Sequential")]
public sealed class NativeLibraryCheckTests
{
    [Fact]
    public void Loads_here_because_the_build_weakened_the_GLIBCXX_need()
    {
        NativeLibraryCheck.EnsureLoaded();
        var lib = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (!OperatingSystem.IsLinux()) return;
        Assert.NotEmpty(lib);
    }

    [Fact]
    public void A_missing_GLIBCXX_version_is_explained_in_one_sentence()
    {
        var e = new TypeInitializationException("TorchSharp.torch",
            new DllNotFoundException("libLibTorchSharp.so: version `GLIBCXX_3.4.32' not found (required by libLibTorchSharp.so)"));
        var message = NativeLibraryCheck.Describe(e);
        Assert.Contains("GLIBCXX_3.4.32", message);
        Assert.Contains("libstdc++", message);
        Assert.DoesNotContain("\n", message);
    }
}
