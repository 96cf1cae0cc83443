using System.Diagnostics;
using TorchSharp.Modules;
using TransferSharp.Data;
using TransferSharp.Losses;
using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>What one autoencoder epoch measured (means over the epoch's examples).</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="ReconstructionLoss">Mean ½‖x − x̂‖² per example.</param>
/// <param name="SparsityLoss">β Σ_j KL(ρ ‖ ρ̂_j), mean over batches (0 when off).</param>
/// <param name="MeanActivation">Mean code activation (compare with the sparsity target ρ).</param>
/// <param name="Seconds">Wall time of the epoch.</param>
public sealed record AutoencoderEpoch(int Epoch, double ReconstructionLoss, double SparsityLoss, double MeanActivation, double Seconds);

/// <summary>The trained autoencoder and its per-epoch history.</summary>
public sealed record AutoencoderResult(Autoencoder Model, IReadOnlyList<AutoencoderEpoch> History)
{
    /// <summary>The last epoch's numbers.</summary>
    public AutoencoderEpoch Final => History[^1];
}

/// <summary>
/// Trains an <see cref="Autoencoder"/> on unlabelled source data (labels, if any, are ignored).
/// </summary>
/// <remarks>
/// Minimises J = (1/B) Σ_b ½‖x_b − g(f(x̃_b))‖² + β Σ_j KL(ρ ‖ ρ̂_j) + λ/2 Σ‖W‖², the sparse autoencoder objective of
/// the UFLDL tutorial, with x̃ = x with a random fraction of values zeroed when denoising is on (Vincent et al. 2008)
/// and ρ̂_j the batch mean of code unit j. Adam; weight decay on weights only. Synchronous on the calling thread,
/// one dispose scope per step.
/// </remarks>
public sealed class AutoencoderTrainer
{
    private readonly AutoencoderOptions options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public AutoencoderTrainer(AutoencoderOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Builds an autoencoder for <paramref name="source"/>'s example shape and trains it.</summary>
    /// <exception cref="ArgumentException">An empty source, or a shape the chosen autoencoder cannot take.</exception>
    public AutoencoderResult Fit(Dataset source, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Count == 0) throw new ArgumentException($"source '{source.Name}' is empty");
        Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        var model = Autoencoder.Create(source.ExampleShape, options);
        try
        {
            return new AutoencoderResult(model, Train(model, source, progress, cancellation));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private List<AutoencoderEpoch> Train(Autoencoder model, Dataset source, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var parameters = model.parameters().ToArray();
        var weights = parameters.Where(p => p.dim() > 1).ToArray();
        var biases = parameters.Where(p => p.dim() <= 1).ToArray();
        using var optimizer = Optimizers.Create(OptimizerKind.Adam,
            [new OptimizerGroup(weights, options.LearningRate, options.WeightDecay), new OptimizerGroup(biases, options.LearningRate)]);
        using var noise = new Generator((ulong)options.Seed * 7_919UL + 17UL);
        int stepsPerEpoch = (source.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)stepsPerEpoch * options.Epochs, done = 0;
        var clock = Stopwatch.StartNew();
        var history = new List<AutoencoderEpoch>();
        model.train();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            double reconSum = 0, sparseSum = 0, activationSum = 0;
            long seen = 0;
            int step = 0;
            using var shuffle = new Generator((ulong)options.Seed * 1_000_003UL + (ulong)epoch);
            foreach (var batch in Batches.Of(source, options.BatchSize, shuffle: true, generator: shuffle))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var x = batch.Inputs;
                var input = options.Corruption > 0
                    ? x * rand(x.shape, generator: noise).ge(options.Corruption).to_type(x.dtype)
                    : x;
                optimizer.zero_grad();
                var code = model.EncodeRaw(input);
                var recon = ReconstructionLoss(model.Decode(code), x);
                var loss = recon;
                Tensor? sparse = null;
                if (options.SparsityWeight > 0)
                {
                    sparse = options.SparsityWeight * Sparsity.KlDivergence(code, options.SparsityTarget);
                    loss = loss + sparse;
                }
                loss.backward();
                optimizer.step();

                long b = x.shape[0];
                reconSum += recon.item<float>() * b;
                sparseSum += (sparse?.item<float>() ?? 0) * b;
                activationSum += code.detach().mean().item<float>() * b;
                seen += b;
                step++;
                done++;
                if (progress is not null)
                {
                    double perStep = clock.Elapsed.TotalSeconds / done;
                    progress.Report(new TrainingProgress(epoch, options.Epochs, step, stepsPerEpoch, reconSum / seen, double.NaN,
                        seen / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds), clock.Elapsed, TimeSpan.FromSeconds(perStep * (totalSteps - done))));
                }
            }
            history.Add(new AutoencoderEpoch(epoch, reconSum / seen, sparseSum / seen, activationSum / seen, epochClock.Elapsed.TotalSeconds));
            NativeMemory.ReleaseFinalizable();
        }
        model.eval();
        return history;
    }

    /// <summary>Mean over the batch of ½‖x − x̂‖² (a scalar tensor).</summary>
    /// <remarks>One fused mse_loss kernel (sum) scaled by ½/B: the same value as ½ · mean_b Σ_j (x̂ − x)², and forward plus
    /// backward take about 300 µs instead of 400 µs on a 256 x 784 batch (bench/throughput: w3parts).</remarks>
    internal static Tensor ReconstructionLoss(Tensor reconstruction, Tensor target) =>
        functional.mse_loss(reconstruction, target, Reduction.Sum) * (0.5 / reconstruction.shape[0]);
}
