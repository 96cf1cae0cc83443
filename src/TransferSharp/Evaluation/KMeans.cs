using TransferSharp.Training;

namespace TransferSharp.Evaluation;

/// <summary>Settings of <see cref="KMeans"/>.</summary>
public sealed record KMeansOptions
{
    /// <summary>Number of clusters k. Default 10.</summary>
    public int Clusters { get; init; } = 10;
    /// <summary>Independent k-means++ starts; the one with the least inertia wins. Default 10.</summary>
    public int Restarts { get; init; } = 10;
    /// <summary>Lloyd iterations per start at most. Default 100.</summary>
    public int MaxIterations { get; init; } = 100;
    /// <summary>A start stops when the centroids move less than this, relative to the data's mean variance. Default 1e-4.</summary>
    public double Tolerance { get; init; } = 1e-4;
    /// <summary>Seeds the k-means++ draws. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (Clusters < 1) e.Add(new(nameof(Clusters), $"clusters must be at least 1, got {Clusters}"));
        if (Restarts < 1) e.Add(new(nameof(Restarts), $"restarts must be at least 1, got {Restarts}"));
        if (MaxIterations < 1) e.Add(new(nameof(MaxIterations), $"max iterations must be at least 1, got {MaxIterations}"));
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance)) e.Add(new(nameof(Tolerance), $"tolerance must be finite and non-negative, got {Tolerance}"));
        return e;
    }
    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());

}

/// <summary>The best of the starts of a k-means run.</summary>
/// <param name="Assignments">Cluster of each example, 0..k−1.</param>
/// <param name="Centroids">Centroids, k × D.</param>
/// <param name="Inertia">Sum of squared distances of the examples to their centroids.</param>
/// <param name="Iterations">Lloyd iterations of the winning start.</param>
/// <param name="InertiaPerRestart">Final inertia of every start, in order.</param>
public sealed record KMeansResult(long[] Assignments, float[,] Centroids, double Inertia, int Iterations, IReadOnlyList<double> InertiaPerRestart);

/// <summary>
/// k-means clustering (Lloyd 1982) with k-means++ seeding (Arthur and Vassilvitskii 2007) and several restarts,
/// vectorised on TorchSharp tensors.
/// </summary>
/// <remarks>
/// Minimises the inertia Σ_i ‖x_i − μ_{c_i}‖². k-means++ picks the first centre uniformly and each next one with
/// probability proportional to D(x)², the squared distance to the nearest centre chosen so far. Squared distances
/// come from ‖x‖² − 2x·μ + ‖μ‖², computed in float64. A cluster that empties is re-seeded at the example farthest
/// from its centroid.
/// </remarks>
public sealed class KMeans
{
    private readonly KMeansOptions options;

    /// <summary>Creates the clusterer; the options are validated here.</summary>
    public KMeans(KMeansOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Clusters the rows of <paramref name="x"/> <c>(N, D)</c>.</summary>
    /// <exception cref="ArgumentException">Not a finite (N, D) tensor, or fewer examples than clusters.</exception>
    public KMeansResult Fit(Tensor x, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2) throw new ArgumentException($"k-means needs (N, D) features, got ({string.Join(", ", x.shape)})");
        int k = options.Clusters;
        if (x.shape[0] < k) throw new ArgumentException($"k-means: {x.shape[0]} examples cannot form {k} clusters");
        using var scope = NewDisposeScope();
        var data = x.to_type(ScalarType.Float64);                               // (N, D)
        if (!isfinite(data).all().item<bool>()) throw new ArgumentException("k-means: the features hold NaN or infinite values");
        var norms = data.square().sum(1);                                        // (N)
        double tolerance = options.Tolerance * data.var(0).mean().item<double>();
        var rng = new Random(options.Seed);

        Tensor? best = null, bestCentroids = null;
        double bestInertia = double.PositiveInfinity;
        int bestIterations = 0;
        var inertias = new List<double>();
        for (int restart = 0; restart < options.Restarts; restart++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var run = NewDisposeScope();
            var centroids = PlusPlus(data, norms, k, rng);
            int iterations = 0;
            for (int it = 0; it < options.MaxIterations; it++)
            {
                iterations = it + 1;
                using var step = NewDisposeScope();                              // one scope per Lloyd step
                var d2 = Distances(data, norms, centroids);                      // (N, k)
                var next = Update(data, d2.argmin(1), centroids, d2, k);         // (k, D)
                double shift = (next - centroids).square().sum().item<double>();
                centroids = next.MoveToOuterDisposeScope();
                if (shift <= tolerance) break;
            }
            var final = Distances(data, norms, centroids);
            var assign = final.argmin(1);
            double inertia = final.gather(1, assign.unsqueeze(1)).sum().item<double>();
            inertias.Add(inertia);
            if (inertia < bestInertia)
            {
                bestInertia = inertia;
                bestIterations = iterations;
                best?.Dispose();
                bestCentroids?.Dispose();
                best = assign.DetachFromDisposeScope();
                bestCentroids = centroids.to_type(ScalarType.Float32).DetachFromDisposeScope();
            }
        }
        using var bestAssign = best!;
        using var bestC = bestCentroids!;
        var flat = Training.Devices.ToArrayOnCpu<float>(bestC);
        var c = new float[k, x.shape[1]];
        Buffer.BlockCopy(flat, 0, c, 0, flat.Length * sizeof(float));
        return new KMeansResult(Training.Devices.ToArrayOnCpu<long>(bestAssign), c, bestInertia, bestIterations, inertias);
    }

    // Squared distances (N, k), clamped at 0 against rounding.
    private static Tensor Distances(Tensor data, Tensor norms, Tensor centroids) =>
        (norms.unsqueeze(1) - 2 * data.matmul(centroids.t()) + centroids.square().sum(1).unsqueeze(0)).clamp_min(0);

    private static Tensor PlusPlus(Tensor data, Tensor norms, int k, Random rng)
    {
        long n = data.shape[0];
        var chosen = new List<long> { rng.NextInt64(n) };
        var nearest = Distances(data, norms, data[chosen[0]].unsqueeze(0)).squeeze(1);   // (N)
        for (int c = 1; c < k; c++)
        {
            var weights = Training.Devices.ToArrayOnCpu<double>(nearest);
            double total = weights.Sum();
            long pick;
            if (total <= 0) pick = rng.NextInt64(n);   // every point already sits on a centre (duplicates)
            else
            {
                double target = rng.NextDouble() * total, run = 0;
                pick = n - 1;
                for (long i = 0; i < n; i++)
                {
                    run += weights[i];
                    if (run >= target && weights[i] > 0) { pick = i; break; }
                }
            }
            chosen.Add(pick);
            nearest = minimum(nearest, Distances(data, norms, data[pick].unsqueeze(0)).squeeze(1));
        }
        return data.index_select(0, tensor(chosen.ToArray(), ScalarType.Int64, device: data.device));   // (k, D)
    }

    private static Tensor Update(Tensor data, Tensor assign, Tensor centroids, Tensor d2, int k)
    {
        var sums = zeros(k, data.shape[1], dtype: ScalarType.Float64, device: data.device).index_add(0, assign, data, 1.0);   // (k, D)
        var counts = bincount(assign, minlength: k).to_type(ScalarType.Float64);                        // (k)
        var next = sums / counts.clamp_min(1).unsqueeze(1);
        var empty = counts.eq(0);
        if (empty.any().item<bool>())
        {
            // Re-seed each empty cluster at the example currently farthest from its own centroid.
            var own = d2.gather(1, assign.unsqueeze(1)).squeeze(1).clone();
            foreach (var e in Training.Devices.ToArrayOnCpu<long>(nonzero(empty).squeeze(1)))
            {
                long far = own.argmax().item<long>();
                next[e] = data[far];
                own[far] = 0;
            }
        }
        return next;
    }
}
