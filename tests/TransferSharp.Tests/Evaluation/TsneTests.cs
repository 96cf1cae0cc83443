using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.Tests.Evaluation;

[Collection("Sequential")]
public sealed class TsneTests
{
    [Fact]
    public void Separated_clusters_stay_separated_in_the_map()
    {
        // Three clusters 10 apart with unit noise in 10 dimensions: every point's input-space neighbours share its class.
        var rng = new Random(4);
        int n = 90;
        var x = new float[n, 10];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % 3;
            for (int d = 0; d < 10; d++) x[i, d] = (float)(rng.NextDouble() * 2 - 1 + (d == y[i] ? 10 : 0));
        }
        Seeding.SetThreads(1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var map = Tsne.Embed(x, new TsneOptions { Perplexity = 10, Iterations = 1000, Seed = 1 });
        Assert.Equal(n, map.GetLength(0));
        Assert.Equal(2, map.GetLength(1));
        // Nearest neighbour in the map has the same class for nearly every point (chance: 1/3).
        int agree = 0;
        for (int i = 0; i < n; i++)
        {
            int best = -1;
            double bestD = double.MaxValue;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dx = map[i, 0] - map[j, 0], dy = map[i, 1] - map[j, 1], dd = dx * dx + dy * dy;
                if (dd < bestD) { bestD = dd; best = j; }
            }
            if (y[best] == y[i]) agree++;
        }
        Console.WriteLine($"t-SNE of {n} points: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(agree >= 0.9 * n, $"{agree} of {n} nearest neighbours share the class");
    }

    [Fact]
    public void Affinities_rows_have_the_requested_perplexity()
    {
        var rng = new Random(0);
        int n = 40;
        var pts = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 5, rng.NextDouble() * 5)).ToArray();
        var d2 = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                d2[i * n + j] = Math.Pow(pts[i].Item1 - pts[j].Item1, 2) + Math.Pow(pts[i].Item2 - pts[j].Item2, 2);
        var p = Tsne.Affinities(d2, n, perplexity: 8);
        for (int i = 0; i < n; i++)
        {
            double sum = 0, h = 0;
            for (int j = 0; j < n; j++)
            {
                double v = p[i * n + j];
                sum += v;
                if (v > 0) h -= v * Math.Log(v);
            }
            Assert.Equal(1.0, sum, 6);
            Assert.Equal(8.0, Math.Exp(h), 1);
            Assert.Equal(0.0, p[i * n + i]);
        }
    }

    [Fact]
    public void Bad_options_are_named()
    {
        var e = Assert.Throws<InvalidOptionsException>(() => Tsne.Embed(new float[10, 2], new TsneOptions { Perplexity = 0, Iterations = 0 }));
        Assert.Contains("perplexity", e.Message);
        Assert.Equal(["Perplexity", "Iterations"], e.Errors.Select(x => x.Field));
        Assert.Contains("iterations", e.Message);
    }
}
