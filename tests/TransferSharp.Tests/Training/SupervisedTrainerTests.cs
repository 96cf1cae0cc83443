using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

[Collection("Sequential")]
public sealed class SupervisedTrainerTests
{
    private static TrainingResult TrainBlobs(int seed, int epochs = 3, TrainingHooks? hooks = null, Module<Tensor, Tensor>? model = null)
    {
        using var data = TestData.Blobs(60, 3, 8, seed: 11);
        var (train, val) = data.StratifiedSplit(0.25, seed: 1);
        Seeding.SeedEverything(seed);
        model ??= ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = seed, Threads = 2 };
        return new SupervisedTrainer(options).Fit(model, train, val, hooks: hooks);
    }

    [Fact]
    public void Learns_separable_blobs_well_above_chance()
    {
        var result = TrainBlobs(seed: 1, epochs: 5);
        // Chance is 33%; the blobs are 3 standard deviations apart, so a trained MLP gets nearly all right.
        Assert.True(result.Final.ValidationAccuracy > 0.85, $"validation accuracy {result.Final.ValidationAccuracy}");
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss);
    }

    [Fact]
    public void Same_seed_and_threads_give_identical_metrics()
    {
        var a = TrainBlobs(seed: 4);
        var b = TrainBlobs(seed: 4);
        var c = TrainBlobs(seed: 5);
        Assert.Equal(a.History.Select(h => (h.TrainLoss, h.ValidationLoss)), b.History.Select(h => (h.TrainLoss, h.ValidationLoss)));
        Assert.NotEqual(a.History.Select(h => h.TrainLoss), c.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void Same_seed_and_threads_give_identical_metrics_for_lenet_too()
    {
        // The convolutional path (conv, max-pool, dropout): 80 small 28x28 images, 2 epochs.
        using var data = TestData.Squares(20, 4, 1, 28, seed: 6);
        var (train, val) = data.StratifiedSplit(0.25, seed: 1);
        IReadOnlyList<EpochMetrics> Train(int seed)
        {
            Seeding.SeedEverything(seed);
            using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 4));
            return new SupervisedTrainer(new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = seed, Threads = 2 }).Fit(model, train, val).History;
        }
        var a = Train(4);
        var b = Train(4);
        var c = Train(5);
        Assert.Equal(a.Select(h => (h.TrainLoss, h.TrainAccuracy, h.ValidationLoss, h.ValidationAccuracy)),
            b.Select(h => (h.TrainLoss, h.TrainAccuracy, h.ValidationLoss, h.ValidationAccuracy)));
        Assert.NotEqual(a.Select(h => h.TrainLoss), c.Select(h => h.TrainLoss));
    }

    [Fact]
    public void Resuming_from_a_checkpoint_reproduces_the_uninterrupted_run()
    {
        using var dir = new TestData.TempFolder();
        var path = dir.File("model.pt");
        var full = TrainBlobs(seed: 9, epochs: 4);

        CheckpointInfo Info(int epoch, IReadOnlyList<EpochMetrics> h) =>
            new() { Architecture = "mlp", InputShape = [8], ClassNames = ["c0", "c1", "c2"], Epoch = epoch, History = h };
        // Interrupted after epoch 2: the hook throws once the checkpoint of epoch 2 is written.
        Seeding.SeedEverything(9);
        var first = ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        var stop = new TrainingHooks
        {
            EpochEnded = e =>
            {
                Checkpoint.Save(path, first, Info(e.Epoch, e.History), e.Optimizer);
                if (e.Epoch == 2) throw new OperationCanceledException();
            },
        };
        Assert.Throws<OperationCanceledException>(() => TrainBlobs(seed: 9, epochs: 4, hooks: stop, model: first));

        var (model, info) = Checkpoint.Load(path);
        Assert.Equal(2, info.Epoch);
        var resumed = TrainBlobs(seed: 9, epochs: 4, model: model,
            hooks: new TrainingHooks { Resume = new ResumePoint(info.History, Checkpoint.OptimizerPath(path)) });
        Assert.Equal(full.History.Select(h => h.TrainLoss), resumed.History.Select(h => h.TrainLoss));
        Assert.Equal(full.History.Select(h => h.ValidationAccuracy), resumed.History.Select(h => h.ValidationAccuracy));
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epochs_weights()
    {
        using var data = TestData.Blobs(40, 3, 8, seed: 3);
        var (train, val) = data.StratifiedSplit(0.3, seed: 2);
        Seeding.SeedEverything(0);
        using var model = ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        // The weights after every epoch, copied by the hook (keyed by epoch).
        var weights = new Dictionary<int, Dictionary<string, Tensor>>();
        var hooks = new TrainingHooks
        {
            EpochEnded = e => weights[e.Epoch] = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone()),
        };
        try
        {
            // A learning rate this high makes validation accuracy jump around, so the best epoch is rarely the last.
            const int Epochs = 12, Patience = 3;
            var result = new SupervisedTrainer(new TrainingOptions { Epochs = Epochs, LearningRate = 0.05, Schedule = ScheduleKind.Constant, Patience = Patience, Threads = 2 })
                .Fit(model, train, val, hooks: hooks);

            // It stopped early: Patience epochs after the best one, before the last planned epoch.
            Assert.True(result.StoppedEarly);
            Assert.True(result.History.Count < Epochs, $"ran {result.History.Count} of {Epochs} epochs");
            Assert.True(result.BestEpoch < result.History.Count, $"best epoch {result.BestEpoch} of {result.History.Count}");
            Assert.Equal(result.BestEpoch + Patience, result.History.Count);
            var best = result.History.Max(h => h.ValidationAccuracy!.Value);
            Assert.Equal(best, result.History[result.BestEpoch - 1].ValidationAccuracy);
            Assert.All(result.History.Skip(result.BestEpoch), h => Assert.True(h.ValidationAccuracy <= best));

            // The model holds exactly the best epoch's weights, not the last epoch's.
            var final = model.state_dict();
            bool Same(Tensor x, Tensor y) { using var eq = x.eq(y); using var all = eq.all(); return x.shape.SequenceEqual(y.shape) && all.item<bool>(); }
            Assert.Equal(weights[result.BestEpoch].Keys.Order(), final.Keys.Order());
            foreach (var (key, value) in weights[result.BestEpoch])
                Assert.True(Same(value, final[key]), $"{key} differs from epoch {result.BestEpoch}'s");
            Assert.Contains(weights[result.History.Count], kv => !Same(kv.Value, final[kv.Key]));
            Assert.Equal(best, Metrics.Evaluate(model, val).Accuracy, 6);
        }
        finally
        {
            foreach (var t in weights.Values.SelectMany(w => w.Values)) t.Dispose();
        }
    }

    [Fact]
    public void Frozen_parameters_do_not_change_and_groups_train_at_their_own_rate()
    {
        using var data = TestData.Blobs(20, 3, 8, seed: 3);
        Seeding.SeedEverything(0);
        using var model = ModelZoo.Create(new ModelSpec("mlp", [8], 3));
        var frozen = model.StageParameters("fc1").Select(p => p.Parameter).ToArray();
        foreach (var p in frozen) p.requires_grad = false;
        var before = frozen.Select(p => p.detach().clone()).ToArray();
        var rest = model.parameters().Where(p => p.requires_grad).ToArray();
        var hooks = new TrainingHooks { ParameterGroups = [new ParameterGroupSpec(rest, 0.5)] };
        var result = new SupervisedTrainer(new TrainingOptions { Epochs = 2, Threads = 2, Schedule = ScheduleKind.Constant, LearningRate = 0.01 })
            .Fit(model, data, hooks: hooks);
        for (int i = 0; i < frozen.Length; i++) Assert.True(frozen[i].eq(before[i]).all().item<bool>());
        Assert.Equal(0.005, result.Final.LearningRate, 9);
    }

    [Fact]
    public void Invalid_options_name_every_bad_field()
    {
        var e = Assert.Throws<InvalidOptionsException>(() => new SupervisedTrainer(new TrainingOptions { Epochs = 0, BatchSize = -1, LearningRate = 0 }));
        Assert.Equal(["Epochs", "BatchSize", "LearningRate"], e.Errors.Select(x => x.Field));
        Assert.Contains("epochs", e.Message);
        Assert.Contains("batch size", e.Message);
        Assert.Contains("learning rate", e.Message);
    }
}
