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
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (!(Perplexity >= 1)) e.Add($"perplexity must be at least 1, got {Perplexity}");
        if (Iterations < 1) e.Add($"iterations must be at least 1, got {Iterations}");
        if (!(LearningRate > 0)) e.Add($"learning rate must be positive, got {LearningRate}");
        if (!(EarlyExaggeration >= 1)) e.Add($"early exaggeration must be at least 1, got {EarlyExaggeration}");
        if (ExaggerationIterations < 0) e.Add($"exaggeration iterations must be non-negative, got {ExaggerationIterations}");
        return e;
    }
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
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
        int n = x.GetLength(0), d = x.GetLength(1);
        if (n < 4) throw new ArgumentException($"t-SNE needs at least 4 points, got {n}");
        double perplexity = Math.Min(options.Perplexity, (n - 1) / 3.0);

        using var scope = NewDisposeScope();
        var flat = new float[n * d];
        Buffer.BlockCopy(x, 0, flat, 0, flat.Length * sizeof(float));
        var xs = tensor(flat, [n, d]).to_type(ScalarType.Float64);                       // (N, D)
        var d2 = SquaredDistances(xs).data<double>().ToArray();                            // N·N
        var p = tensor(Affinities(d2, n, perplexity), [n, n]);
        p = (p + p.t()) / (2.0 * n);
        p = p.clamp_min(1e-12);

        var generator = new Generator((ulong)options.Seed);
        var y = randn([n, 2], ScalarType.Float64, generator: generator) * 1e-4;           // (N, 2)
        var update = zeros_like(y);
        var gains = ones_like(y);
        var offDiagonal = 1.0 - eye(n, dtype: ScalarType.Float64);
        for (int it = 0; it < options.Iterations; it++)
        {
            using var step = NewDisposeScope();
            bool early = it < options.ExaggerationIterations;
            var pe = early ? p * options.EarlyExaggeration : p;
            var w = (1.0 / (1.0 + SquaredDistances(y))) * offDiagonal;                   // (N, N) Student-t kernel
            var q = (w / w.sum()).clamp_min(1e-12);
            var pqw = (pe - q) * w;                                                        // (N, N)
            var grad = 4.0 * (pqw.sum(1, keepdim: true) * y - pqw.matmul(y));              // (N, 2)
            var sameSign = grad.gt(0).eq(update.gt(0));
            var newGains = where(sameSign, gains * 0.8, gains + 0.2).clamp_min(0.01);
            double momentum = early ? 0.5 : 0.8;
            var newUpdate = momentum * update - options.LearningRate * newGains * grad;
            var newY = y + newUpdate;
            newY = newY - newY.mean([0], keepdim: true);
            gains.Dispose();
            update.Dispose();
            y.Dispose();
            gains = newGains.MoveToOuterDisposeScope();
            update = newUpdate.MoveToOuterDisposeScope();
            y = newY.MoveToOuterDisposeScope();
        }
        var coords = y.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var result = new double[n, 2];
        Buffer.BlockCopy(coords, 0, result, 0, coords.Length * sizeof(double));
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
