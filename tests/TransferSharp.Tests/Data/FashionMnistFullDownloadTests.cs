using System.Security.Cryptography;
using TransferSharp.Data;

namespace TransferSharp.Tests.Data;

/// <summary>
/// fashion-mnist-full's download path (no network here): small IDX files of our own served over a loopback HTTP server
/// stand in for the four Fashion-MNIST files; their SHA-256 is computed here from the bytes the test writes.
/// </summary>
[Collection("Sequential")]
public sealed class FashionMnistFullDownloadTests : IDisposable
{
    private readonly TestData.TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    private static byte[] Images(int n, byte fill) => TestBytes.IdxImages(n, 28, 28, (_, _) => fill);

    private static byte[] Labels(int n) => TestBytes.IdxLabels(Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray());

    // The four files as (name, raw content): 12 training and 5 test images.
    private static readonly (string Name, byte[] Raw)[] Raw =
    [
        ("train-images-idx3-ubyte.gz", Images(12, 200)), ("train-labels-idx1-ubyte.gz", Labels(12)),
        ("t10k-images-idx3-ubyte.gz", Images(5, 100)), ("t10k-labels-idx1-ubyte.gz", Labels(5)),
    ];

    private static (string, string)[] Expected => Raw.Select(f => (f.Name, Convert.ToHexStringLower(SHA256.HashData(f.Raw)))).ToArray();

    [Fact]
    public void Downloads_checks_and_reads_the_four_files_then_uses_the_cache()
    {
        var cache = dir.Path;
        using (var server = new LoopbackServer(Raw.ToDictionary(f => f.Name, f => TestBytes.Gzip(f.Raw))))
        using (var data = FashionMnistFull.Load(cache, server.Url, Expected, systemFolder: Path.Combine(dir.Path, "no-system-copy")))
        {
            Assert.Equal(4, server.Requests);
            Assert.Equal(17, data.Count);                                    // 12 training + 5 test images
            Assert.Equal(new long[] { 1, 28, 28 }, data.ExampleShape);
            Assert.Equal(10, data.ClassCount);
            Assert.Equal(200 / 255f, data.Inputs[0, 0, 0, 0].item<float>(), 5);
            Assert.Equal(100 / 255f, data.Inputs[16, 0, 0, 0].item<float>(), 5);
        }
        Assert.Equal(4, Directory.GetFiles(Path.Combine(cache, "fashion-mnist"), "*.gz").Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(cache, "fashion-mnist"), "*.part"));

        // Second time: from the cache, with no server at all.
        using var again = FashionMnistFull.Load(cache, "http://127.0.0.1:1/", Expected, systemFolder: Path.Combine(dir.Path, "no-system-copy"));
        Assert.Equal(17, again.Count);
    }

    [Fact]
    public void A_file_whose_content_differs_is_refused_and_not_kept()
    {
        var served = Raw.ToDictionary(f => f.Name, f => TestBytes.Gzip(f.Raw));
        served["t10k-images-idx3-ubyte.gz"] = TestBytes.Gzip(Images(5, 101));      // one pixel value off: another SHA-256
        using var server = new LoopbackServer(served);
        var e = Assert.Throws<FileNotFoundException>(() =>
            FashionMnistFull.Load(dir.Path, server.Url, Expected, systemFolder: Path.Combine(dir.Path, "no-system-copy")));
        Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
        Assert.Contains("SHA-256 check failed", e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);           // says how to get it
        Assert.False(File.Exists(Path.Combine(dir.Path, "fashion-mnist", "t10k-images-idx3-ubyte.gz")));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "fashion-mnist"), "*.part"));
    }
}
