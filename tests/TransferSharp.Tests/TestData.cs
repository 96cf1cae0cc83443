using TransferSharp.Data;

namespace TransferSharp.Tests;

/// <summary>Small synthetic datasets for fast tests.</summary>
internal static class TestData
{
    /// <summary>Gaussian blobs: class k is centred at 3·e_k in D dimensions, unit noise.</summary>
    public static Dataset Blobs(int perClass, int classes, int dims, int seed)
    {
        var rng = new Random(seed);
        int n = perClass * classes;
        var x = new float[n * dims];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int k = i % classes;
            y[i] = k;
            for (int d = 0; d < dims; d++)
                x[i * dims + d] = (float)(Gaussian(rng) + (d == k ? 3.0 : 0.0));
        }
        return new Dataset("blobs", tensor(x, [n, dims]), tensor(y, [n]),
            Enumerable.Range(0, classes).Select(k => $"c{k}").ToArray(), "synthetic blobs");
    }

    /// <summary>Images <c>(N, C, H, W)</c>: class k has a bright square at a class-specific corner, on noise.</summary>
    public static Dataset Squares(int perClass, int classes, int channels, int side, int seed)
    {
        var rng = new Random(seed);
        int n = perClass * classes, plane = side * side;
        var x = new float[n * channels * plane];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int k = i % classes;
            y[i] = k;
            int top = (k / 2) * side / 2, left = (k % 2) * side / 2;
            for (int c = 0; c < channels; c++)
                for (int r = 0; r < side; r++)
                    for (int q = 0; q < side; q++)
                    {
                        bool inside = r >= top && r < top + side / 2 && q >= left && q < left + side / 2;
                        x[(i * channels + c) * plane + r * side + q] = (float)Math.Clamp(0.2 * rng.NextDouble() + (inside ? 0.7 : 0), 0, 1);
                    }
        }
        return new Dataset("squares", tensor(x, [n, channels, side, side]), tensor(y, [n]),
            Enumerable.Range(0, classes).Select(k => $"q{k}").ToArray(), "synthetic squares");
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>A temporary folder deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "transfersharp-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
