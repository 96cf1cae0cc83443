using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>Settings of <see cref="DeepEmbeddedClustering"/>.</summary>
public sealed record DecOptions
{
    /// <summary>Passes over the target at most. Default 20.</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Examples per step. Default 256 (Xie et al.).</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Adam's learning rate for the encoder and the centroids. Default 3e-3 (1e-3 and 1e-2 did about as well
    /// in bench/selftaught.md; 1e-4 barely moved the clusters in 10 passes).</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Weight of the reconstruction loss next to the clustering loss (IDEC, Guo et al. 2017); 0 = plain DEC,
    /// the default (0.1 and 1 did worse on both pairs tried).</summary>
    public double ReconstructionWeight { get; init; }
    /// <summary>Stops when fewer than this fraction of assignments change between two updates of P. Default 0.001.</summary>
    public double Tolerance { get; init; } = 1e-3;
    /// <summary>Seeds the batch order. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (Epochs < 0) e.Add(new(nameof(Epochs), $"epochs must be at least 0, got {Epochs}"));
        if (BatchSize < 1) e.Add(new(nameof(BatchSize), $"batch size must be at least 1, got {BatchSize}"));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) e.Add(new(nameof(LearningRate), $"learning rate must be finite and positive, got {LearningRate}"));
        if (!(ReconstructionWeight >= 0) || double.IsInfinity(ReconstructionWeight)) e.Add(new(nameof(ReconstructionWeight), $"reconstruction weight must be finite and non-negative, got {ReconstructionWeight}"));
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance)) e.Add(new(nameof(Tolerance), $"tolerance must be finite and non-negative, got {Tolerance}"));
        return e;
    }
}

/// <summary>What <see cref="DeepEmbeddedClustering"/> found.</summary>
/// <param name="Assignments">Cluster of each target example (argmax of the soft assignment).</param>
/// <param name="Steps">Optimiser steps taken.</param>
/// <param name="Changed">Fraction of assignments that changed in the last pass.</param>
/// <param name="Inertia">Sum of squared distances of the refined codes to their centroids.</param>
public sealed record DecResult(long[] Assignments, int Steps, double Changed, double Inertia);

/// <summary>
/// Deep embedded clustering (Xie, Girshick and Farhadi, ICML 2016), optionally with IDEC's reconstruction term (Guo et al. 2017):
/// starting from k-means on the autoencoder's codes, fine-tunes the encoder and the centroids so that the soft
/// assignments sharpen towards their own high-confidence ones.
/// </summary>
/// <remarks>
/// Soft assignment (Student t, one degree of freedom): q_ij ∝ (1 + ‖z_i − μ_j‖²)⁻¹. Target: p_ij ∝ q_ij² / f_j with
/// f_j = Σ_i q_ij (squaring sharpens; dividing by the cluster's mass keeps large clusters from swallowing the rest).
/// Loss per batch: KL(P ‖ Q) + w · ½‖x − x̂‖², P held fixed between updates. The autoencoder is changed in place
/// (copy it first to keep the original).
/// </remarks>
public sealed class DeepEmbeddedClustering
{
    private readonly DecOptions options;

    /// <summary>Creates the refiner; the options are validated here.</summary>
    public DeepEmbeddedClustering(DecOptions options)
    {
        InvalidOptionsException.ThrowIfAny(options.Validate());
        this.options = options;
    }

    /// <summary>Refines <paramref name="start"/> (centroids of k-means on the codes, k × F) on <paramref name="target"/>.</summary>
    public DecResult Fit(Autoencoder model, Dataset target, float[,] start, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(start);
        model.CheckShape(target);
        if (start.GetLength(1) != model.CodeSize)
            throw new ArgumentException($"DEC: centroids of length {start.GetLength(1)} but the autoencoder's codes have {model.CodeSize}");
        if (start.GetLength(0) < 1) throw new ArgumentException("DEC: no centroids to start from");
        var device = Devices.Of(model);   // DEC trains the encoder where it is
        using var centroids = new TorchSharp.Modules.Parameter(tensor(start, device: device), requires_grad: true);    // (k, F)
        var parameters = model.parameters().Append(centroids).ToArray();
        using var adam = optim.Adam(parameters, options.LearningRate);
        using var generator = Seeding.Generator(options.Seed);
        int n = target.Count;

        long[] assignments = Assign(model, target, centroids, out var p, out double inertia);     // p: (N, k)
        double changed = 1;
        int steps = 0;
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                using var order = randperm(n, generator: generator, device: CPU);
                var indices = order.data<long>().ToArray();
                if (epoch > 0)
                {
                    // P is recomputed once per pass (Xie et al. every 140 steps of 256, about half a pass of their 70,000).
                    p.Dispose();
                    var next = Assign(model, target, centroids, out p, out inertia);
                    changed = next.Zip(assignments).Count(t => t.First != t.Second) / (double)n;
                    assignments = next;
                    if (changed < options.Tolerance) return new DecResult(assignments, steps, changed, inertia);
                }
                for (int start0 = 0; start0 < n; start0 += options.BatchSize)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    model.train();
                    var idx = tensor(indices[start0..Math.Min(n, start0 + options.BatchSize)], device: target.Inputs.device);   // where the data is
                    var x = target.Inputs.index_select(0, idx).On(device);
                    var code = model.EncodeRaw(x);
                    var z = code.flatten(1);                                                        // (B, F)
                    var q = SoftAssign(z, centroids);                                               // (B, k)
                    var pb = p.index_select(0, idx.On(device));                                     // (B, k)
                    // KL(P‖Q) per example, averaged over the batch; P is a constant.
                    var loss = (pb * (pb.clamp_min(1e-12).log() - q.clamp_min(1e-12).log())).sum(1).mean();
                    if (options.ReconstructionWeight > 0)
                        loss = loss + options.ReconstructionWeight * AutoencoderTrainer.ReconstructionLoss(model.Decode(code), x);
                    // A diverged step would turn every code into NaN and argmax into cluster 0: fail instead of scoring it.
                    if (!float.IsFinite(loss.item<float>()))
                        throw new InvalidOperationException($"DEC: the loss became {loss.item<float>()} at step {steps}; lower the learning rate ({options.LearningRate})");
                    adam.zero_grad();
                    loss.backward();
                    adam.step();
                    steps++;
                }
            }
            p.Dispose();
            var last = Assign(model, target, centroids, out p, out inertia);
            changed = last.Zip(assignments).Count(t => t.First != t.Second) / (double)n;
            return new DecResult(last, steps, changed, inertia);
        }
        finally
        {
            p.Dispose();
            model.eval();
        }
    }

    // q_ij ∝ (1 + ‖z_i − μ_j‖²)⁻¹: (B, F), (k, F) -> (B, k).
    private static Tensor SoftAssign(Tensor z, Tensor centroids)
    {
        var d2 = (z.unsqueeze(1) - centroids.unsqueeze(0)).square().sum(2);
        var q = (1 + d2).reciprocal();
        return q / q.sum(1, keepdim: true);
    }

    // Assignments (argmax q) of the whole target, the target distribution p (N, k), detached and owned by the caller,
    // and the inertia of the codes around the centroids.
    private static long[] Assign(Autoencoder model, Dataset target, Tensor centroids, out Tensor p, out double inertia)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        inertia = 0;
        foreach (var batch in Batches.Of(target, 1024))
        {
            var z = model.EncodeRaw(batch.Inputs.On(centroids.device)).flatten(1);                // (B, F)
            var q = SoftAssign(z, centroids);                                                      // (B, k)
            var nearest = centroids.index_select(0, q.argmax(1));                                  // (B, F)
            inertia += (z - nearest).square().sum().to_type(ScalarType.Float64).item<double>();
            parts.Add(q);
        }
        var qAll = cat(parts, 0);                                                                  // (N, k)
        var weight = qAll.square() / qAll.sum(0, keepdim: true);
        p = (weight / weight.sum(1, keepdim: true)).DetachFromDisposeScope();
        return qAll.argmax(1).ToArrayOnCpu<long>();
    }
}
