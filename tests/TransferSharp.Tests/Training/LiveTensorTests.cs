using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Models;
using TransferSharp.MultiTask;
using TransferSharp.SelfTaught;
using TransferSharp.Training;
using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.Training;

/// <summary>
/// Every trainer keeps the number of live tensors flat from step to step and epoch to epoch: each step's
/// temporaries die with its dispose scope, and evaluation between epochs leaks nothing.
/// </summary>
[Collection("Sequential")]
public sealed class LiveTensorTests
{
    /// <summary>
    /// The trainers, by name: each trains a small model for three epochs or more with the progress it is given, then
    /// frees what it made. A new trainer (e.g. domain adaptation on <see cref="TrainingLoop"/>) adds its entry here.
    /// </summary>
    private static readonly Dictionary<string, Action<IProgress<TrainingProgress>>> Runs = new()
    {
        ["supervised"] = progress =>
        {
            // The convolutional path (conv, max-pool, dropout), evaluated after every epoch.
            using var data = TestData.Squares(40, 4, 1, 28, seed: 2);
            Seeding.SeedEverything(0);
            using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 4));
            new SupervisedTrainer(new TrainingOptions { Epochs = 5, BatchSize = 16, Threads = 2 }).Fit(model, data, data, progress);
        },
        ["multitask"] = progress =>
        {
            using var a = TestData.Blobs(20, 3, 8, seed: 1);
            using var b = TestData.Blobs(10, 2, 8, seed: 2);
            Seeding.SeedEverything(0);
            using var model = MultiTaskModel.Create(new MultiTaskSpec("mlp", [8], 2, [new TaskHeadSpec("a", 3), new TaskHeadSpec("b", 2)]));
            new MultiTaskTrainer(new MultiTaskOptions { Epochs = 3, BatchSize = 8, StepsPerEpoch = 10, Threads = 2, Weighting = LossWeighting.Uncertainty })
                .Fit(model, [new("a", a, a), new("b", b)], progress);
        },
        ["zeroshot-dap"] = progress => ZeroShot((o, seen) => new DapTrainer(o).Fit(seen, Descriptions(), progress)),
        ["zeroshot-embedding"] = progress => ZeroShot((o, seen) => new EmbeddingZeroShotTrainer(o).Fit(seen, Descriptions(), progress)),
        ["zeroshot-conse"] = progress => ZeroShot((o, seen) => new ConSETrainer(o).Fit(seen, Descriptions(), progress)),
        ["autoencoder"] = progress =>
        {
            using var data = TestData.Squares(perClass: 20, classes: 4, channels: 1, side: 8, seed: 0);
            var options = new AutoencoderOptions { HiddenUnits = 16, Corruption = 0.2, Epochs = 3, BatchSize = 16, Threads = 2 };
            new AutoencoderTrainer(options).Fit(data, progress).Model.Dispose();
        },
    };

    /// <summary>
    /// Domain adaptation, once per method of the registry: each draws a source and a target batch per step (MCD three
    /// optimiser phases), and every one of those batches must die with its step's scope, not wait for the finaliser.
    /// </summary>
    private static Action<IProgress<TrainingProgress>> Adaptation(IAdaptationMethod method) => progress =>
    {
        using var source = TestData.Blobs(perClass: 30, classes: 2, dims: 4, seed: 1);
        using var target = TestData.Blobs(perClass: 30, classes: 2, dims: 4, seed: 2);
        Seeding.SeedEverything(0);
        var options = new AdaptationOptions { Method = method.DefaultOptions, Epochs = 3, StepsPerEpoch = 6, BatchSize = 16, Bottleneck = 8, Threads = 2 };
        new DomainAdaptationTrainer(options).Fit(ModelZoo.Create(new ModelSpec("mlp", [4], 2)), source, target, progress: progress).Network.Dispose();
    };

    public static TheoryData<string> Trainers => new(Runs.Keys.Concat(AdaptationMethods.All.Select(m => $"adapt-{m.Name}")));

    [Theory]
    [MemberData(nameof(Trainers))]
    public void The_live_tensor_count_stays_flat_over_steps_and_epochs(string trainer)
    {
        var counts = new List<(int Epoch, long Live)>();
        var run = trainer.StartsWith("adapt-", StringComparison.Ordinal) ? Adaptation(AdaptationMethods.Find(trainer["adapt-".Length..])!) : Runs[trainer];
        run(new SyncProgress<TrainingProgress>(p =>
            counts.Add((p.Epoch, DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount))));
        Assert.True(counts.Select(c => c.Epoch).Distinct().Count() >= 3, $"{trainer}: {counts.Count} reports");
        // After the first epoch (optimiser state made on the first steps, each head's on its first turn), every step
        // of every later epoch ends with the same number of live tensors.
        var later = counts.Where(c => c.Epoch > 1).Select(c => c.Live).Distinct().ToArray();
        Assert.True(later.Length == 1, $"{trainer}: live tensors after the first epoch vary: {string.Join(", ", later)}");
    }

    // Zero-shot: six classes described by three binary attributes, features that show them.
    private static readonly int[][] Attributes = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]];

    private static ClassDescriptions Descriptions() =>
        new("synthetic", DescriptionKind.Attributes, Attributes.Select((_, k) => $"c{k}").ToArray(), ["a0", "a1", "a2"],
            Attributes.Select(r => (IReadOnlyList<float>)r.Select(v => (float)v).ToArray()).ToArray());

    /// <summary>Trains on blobs whose class k is described by row k of <see cref="Descriptions"/> (class names c0..c5).</summary>
    private static void ZeroShot(Func<ZeroShotOptions, Dataset, ZeroShotModel> fit)
    {
        using var seen = TestData.Blobs(perClass: 12, classes: 6, dims: 6, seed: 4);
        using var model = fit(new ZeroShotOptions { Architecture = "mlp", Epochs = 3, BatchSize = 16, EmbeddingSize = 8, Threads = 2, Seed = 1 }, seen);
    }
}
