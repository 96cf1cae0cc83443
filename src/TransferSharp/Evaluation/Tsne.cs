using TransferSharp.Training;

namespace TransferSharp.Evaluation;

/// <summary>Settings of <see cref="Tsne"/>; the defaults are van der Maaten's.</summary>
public sealed record TsneOptions
{
    /// <summary>Effective number of neighbours each point's Gaussian covers. Default 30.</summary>
    public double Perplexity { get; init; } = 30;
    /// <summary>Gradient-descent iterations. Default 1000.</summary>
    public int Iterations { get; init; } = 1000;
    /// <summary>Step size. Default 200.</summary>
    public double LearningRate { get; init; } = 200;
    /// <summary>Factor on P during the first <see cref="ExaggerationIterations"/> iterations. Default 12.</summary>
    public double EarlyExaggeration { get; init; } = 12;
    /// <summary>Iterations with exaggerated P and momentum 0.5 (then 0.8). Default 250.</summary>
    public int ExaggerationIterations { get; init; } = 250;
    /// <summary>Seeds the initial layout. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (!(Perplexity >= 1)) e.Add(new(nameof(Perplexity), $"perplexity must be at least 1, got {Perplexity}"));
        if (Iterations < 1) e.Add(new(nameof(Iterations), $"iterations must be at least 1, got {Iterations}"));
        if (!(LearningRate > 0)) e.Add(new(nameof(LearningRate), $"learning rate must be positive, got {LearningRate}"));
        if (!(EarlyExaggeration >= 1)) e.Add(new(nameof(EarlyExaggeration), $"early exaggeration must be at least 1, got {EarlyExaggeration}"));
        if (ExaggerationIterations < 0) e.Add(new(nameof(ExaggerationIterations), $"exaggeration iterations must be non-negative, got {ExaggerationIterations}"));
        return e;
    }
    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());

}

/// <summary>
/// Exact t-SNE (van der Maaten &amp; Hinton, "Visualizing Data using t-SNE", JMLR 2008): a 2-D map whose Student-t
/// neighbour probabilities match the Gaussian ones of the input. O(N²) time and memory per iteration, fine for a few
/// thousand points; no maintained .NET t-SNE library exists, so this one is vectorised with TorchSharp (float64).
/// </summary>
/// <remarks>
/// p_{j|i} ∝ exp(−β_i‖x_i − x_j‖²), β_i found by binary search so that the entropy of p_{·|i} is log(perplexity);
/// P = (p_{j|i} + p_{i|j}) / 2N. q_ij ∝ (1 + ‖y_i − y_j‖²)^−1. Gradient 4 Σ_j (p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)^−1,
/// descended with momentum and per-coordinate gains, P exaggerated early on.
/// </remarks>
public static class Tsne
{
    /// <summary>Embeds the rows of <paramref name="x"/> <c>(N, D)</c> in 2-D: returns <c>(N, 2)</c>.</summary>
    public static double[,] Embed(float[,] x, TsneOptions? options = null)
    {
        options ??= new TsneOptions();
        options.ThrowIfInvalid();
        int n = x.GetLength(0), d = x.GetLength(1);
        if (n < 4) throw new ArgumentException($"t-SNE needs at least 4 points, got {n}");
        double perplexity = Math.Min(options.Perplexity, (n - 1) / 3.0);

        double[] d2;
        using (NewDisposeScope())
        {
            var flat = new float[n * d];
            Buffer.BlockCopy(x, 0, flat, 0, flat.Length * sizeof(float));
            var xs = tensor(flat, [n, d]).to_type(ScalarType.Float64);                   // (N, D)
            d2 = SquaredDistances(xs).data<double>().ToArray();                            // N·N
        }
        var p = Affinities(d2, n, perplexity);
        Symmetrise(p, n);
        return Descend(p, n, options);
    }

    /// <summary>P = (p_{j|i} + p_{i|j}) / 2N, floored at 1e-12, in place.</summary>
    private static void Symmetrise(double[] p, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                double v = Math.Max((p[i * n + j] + p[j * n + i]) / (2.0 * n), 1e-12);
                p[i * n + j] = v;
                p[j * n + i] = v;
            }
    }

    /// <summary>
    /// Gradient descent on the 2-D map. Plain arrays, allocated once: the per-iteration N×N temporaries of a tensor
    /// version fragmented glibc's heap (RSS grew by ~5 MB per iteration at N = 600, 20 GB in a long run) and
    /// small-tensor ops ran 10–30× slower with two intra-op threads than with one.
    /// </summary>
    private static double[,] Descend(double[] p, int n, TsneOptions options)
    {
        var random = new Random(options.Seed);
        var y = new double[n * 2];
        for (int i = 0; i < y.Length; i++)
            y[i] = 1e-4 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var update = new double[n * 2];
        var gains = Enumerable.Repeat(1.0, n * 2).ToArray();
        var w = new double[n * n];                                                          // Student-t kernel, N·N
        var grad = new double[n * 2];
        for (int it = 0; it < options.Iterations; it++)
        {
            bool early = it < options.ExaggerationIterations;
            double exaggeration = early ? options.EarlyExaggeration : 1.0;
            double sumW = 0;
            for (int i = 0; i < n; i++)
            {
                w[i * n + i] = 0;
                for (int j = i + 1; j < n; j++)
                {
                    double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                    double k = 1.0 / (1.0 + dx * dx + dy * dy);
                    w[i * n + j] = k;
                    w[j * n + i] = k;
                    sumW += 2 * k;
                }
            }
            // dC/dy_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j), q_ij = max(w_ij / Σw, 1e-12).
            for (int i = 0; i < n; i++)
            {
                double gx = 0, gy = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double wij = w[i * n + j];
                    double q = Math.Max(wij / sumW, 1e-12);
                    double m = (exaggeration * p[i * n + j] - q) * wij;
                    gx += m * (y[2 * i] - y[2 * j]);
                    gy += m * (y[2 * i + 1] - y[2 * j + 1]);
                }
                grad[2 * i] = 4 * gx;
                grad[2 * i + 1] = 4 * gy;
            }
            double momentum = early ? 0.5 : 0.8;
            double meanX = 0, meanY = 0;
            for (int c = 0; c < y.Length; c++)
            {
                bool sameSign = grad[c] > 0 == update[c] > 0;
                gains[c] = Math.Max(sameSign ? gains[c] * 0.8 : gains[c] + 0.2, 0.01);
                update[c] = momentum * update[c] - options.LearningRate * gains[c] * grad[c];
                y[c] += update[c];
                if (c % 2 == 0) meanX += y[c]; else meanY += y[c];
            }
            for (int i = 0; i < n; i++)
            {
                y[2 * i] -= meanX / n;
                y[2 * i + 1] -= meanY / n;
            }
        }
        var result = new double[n, 2];
        Buffer.BlockCopy(y, 0, result, 0, y.Length * sizeof(double));
        return result;
    }

    /// <summary>Pairwise squared Euclidean distances <c>(N, N)</c> of rows <c>(N, D)</c>.</summary>
    internal static Tensor SquaredDistances(Tensor x)
    {
        var sq = (x * x).sum(1, keepdim: true);                                            // (N, 1)
        return (sq + sq.t() - 2 * x.matmul(x.t())).clamp_min(0);
    }

    /// <summary>Conditional probabilities p_{j|i} (row i), each row's precision found by binary search on its entropy.</summary>
    internal static double[] Affinities(double[] d2, int n, double perplexity)
    {
        var p = new double[n * n];
        double targetEntropy = Math.Log(perplexity);
        var row = new double[n];
        for (int i = 0; i < n; i++)
        {
            double beta = 1, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
            // Distances relative to the nearest neighbour keep exp() from underflowing for far-apart points.
            double nearest = double.PositiveInfinity;
            for (int j = 0; j < n; j++) if (j != i) nearest = Math.Min(nearest, d2[i * n + j]);
            for (int attempt = 0; attempt < 100; attempt++)
            {
                double sum = 0, weighted = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) { row[j] = 0; continue; }
                    double dj = d2[i * n + j] - nearest;
                    row[j] = Math.Exp(-beta * dj);
                    sum += row[j];
                    weighted += dj * row[j];
                }
                // H = log Σ + β Σ d p / Σ (natural log).
                double entropy = Math.Log(sum) + beta * weighted / sum;
                double gap = entropy - targetEntropy;
                if (Math.Abs(gap) < 1e-5) break;
                if (gap > 0) { lo = beta; beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2; }
                else { hi = beta; beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2; }
            }
            double total = 0;
            for (int j = 0; j < n; j++) total += row[j];
            for (int j = 0; j < n; j++) p[i * n + j] = row[j] / total;
        }
        return p;
    }
}
