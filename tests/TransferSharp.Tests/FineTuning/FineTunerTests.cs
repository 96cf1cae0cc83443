using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.FineTuning;

[Collection("Sequential")]
public sealed class FineTunerTests
{
    // Source task: 6 Gaussian blobs in 48 dimensions. Target task: which pair of source classes (0-1, 2-3, 4-5) an
    // example belongs to, with 3 labelled examples per target class.
    private static (StagedModel Source, Dataset Shots, Dataset Test) Setup()
    {
        using var sourceData = TestData.Blobs(150, 6, 48, seed: 21);
        Seeding.SeedEverything(1);
        var source = ModelZoo.Create(new ModelSpec("mlp", [48], 6));
        new SupervisedTrainer(new TrainingOptions { Epochs = 3, Threads = 1, Seed = 1 }).Fit(source, sourceData);
        using var targetData = Pairs(TestData.Blobs(100, 6, 48, seed: 22));
        var (pool, test) = targetData.StratifiedSplit(0.5, seed: 3);
        using var _ = pool;
        return (source, pool.TakePerClass(3, seed: 4), test);
    }

    private static Dataset Pairs(Dataset blobs)
    {
        using (blobs)
        {
            using var scope = NewDisposeScope();
            return blobs.WithLabels(blobs.Labels!.div(2, rounding_mode: RoundingMode.floor), ["pair01", "pair23", "pair45"], "pairs of blobs");
        }
    }

    [Fact]
    public void Fine_tuning_with_few_shots_beats_training_from_scratch()
    {
        var (source, shots, test) = Setup();
        using var _s = source;
        using var _shots = shots;
        using var _test = test;
        var training = new TrainingOptions { Epochs = 30, BatchSize = 9, Threads = 1, Seed = 7 };

        var tuned = new FineTuner(new FineTuningOptions
        {
            Training = training,
            Transfer = new LayerTransferOptions { Mode = CopiedStageMode.Frozen },
        }).Fit(source, shots);
        using var tunedModel = tuned.Model;
        double tunedAccuracy = Metrics.Evaluate(tunedModel, test).Accuracy;

        Seeding.SeedEverything(7);
        using var scratch = ModelZoo.Create(new ModelSpec("mlp", [48], 3));
        new SupervisedTrainer(training).Fit(scratch, shots);
        double scratchAccuracy = Metrics.Evaluate(scratch, test).Accuracy;

        // Chance is 1/3 and the source net itself gets about 93% of its blobs right. The copied features already
        // separate the blobs; 9 examples in 48 dimensions do not (measured: 77% against 47%).
        Assert.True(tunedAccuracy > 0.65, $"fine-tuned {tunedAccuracy:P1}, scratch {scratchAccuracy:P1}");
        Assert.True(tunedAccuracy > scratchAccuracy + 0.15, $"fine-tuned {tunedAccuracy:P1}, scratch {scratchAccuracy:P1}");
    }

    [Fact]
    public void Conservative_terms_train_and_keep_the_old_task()
    {
        var (source, shots, test) = Setup();
        using var _s = source;
        using var _shots = shots;
        using var _test = test;
        using var sourceTest = TestData.Blobs(50, 6, 48, seed: 23);
        var options = new FineTuningOptions
        {
            Training = new TrainingOptions { Epochs = 30, BatchSize = 9, Threads = 1, Seed = 7 },
            Conservative = new ConservativeOptions { StartingPointAlpha = 0.01, StartingPointBeta = 0.001, DistillationWeight = 1 },
        };
        var result = new FineTuner(options).Fit(source, shots);
        using var model = result.Model;
        using var oldTask = result.OldTaskModel!;
        double targetAccuracy = Metrics.Evaluate(model, test).Accuracy;
        Assert.True(targetAccuracy > 0.55, $"target accuracy {targetAccuracy:P1}");   // chance 1/3
        // The old head on the fine-tuned features still answers the source task.
        double kept = Metrics.Evaluate(oldTask, sourceTest).Accuracy;
        Assert.True(kept > 0.8, $"source-task accuracy after fine-tuning with LwF {kept:P1}");
    }

    [Fact]
    public void L2_sp_keeps_the_copied_weights_closer_to_the_source_than_plain_fine_tuning()
    {
        var (source, shots, test) = Setup();
        using var _s = source;
        using var _shots = shots;
        using var _test = test;
        var sourceState = source.state_dict();
        double DistanceToSource(ConservativeOptions conservative)
        {
            var result = new FineTuner(new FineTuningOptions
            {
                Training = new TrainingOptions { Epochs = 30, BatchSize = 9, Threads = 1, Seed = 7 },
                Conservative = conservative,
            }).Fit(source, shots);
            using var model = result.Model;
            using var noGrad = no_grad();
            return result.Transferred.CopiedParameters().Sum(p => (p.Parameter - sourceState[p.Name]).square().sum().item<float>());
        }

        double plain = DistanceToSource(new ConservativeOptions());
        double l2sp = DistanceToSource(new ConservativeOptions { StartingPointAlpha = 0.1 });
        // Same seed, data and steps; only the pull towards the source differs. Plain fine-tuning moves the copied weights
        // away from the source's; L2-SP's pull keeps them much nearer (measured: 1.12 against 20.7, squared distance summed over the copied weights).
        Assert.True(plain > 0, "plain fine-tuning did not move the copied weights");
        Assert.True(l2sp < 0.25 * plain, $"squared distance to the source: L2-SP {l2sp:G4}, plain {plain:G4}");
    }
}
