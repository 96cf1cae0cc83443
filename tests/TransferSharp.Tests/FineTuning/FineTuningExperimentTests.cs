using TransferSharp.Data;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.FineTuning;

[Collection("Sequential")]
public sealed class FineTuningExperimentTests
{
    private static readonly TrainingOptions Target = new() { Epochs = 8, BatchSize = 8, Seed = 3, Threads = 1 };

    [Fact]
    public void Scratch_and_every_variant_run_under_one_protocol_and_the_report_adds_up()
    {
        // Six Gaussian blobs in 12 dimensions: an MLP learns all six from one half of the examples (source), then
        // classes 3-5 of the other half from 8 labels each (target): a related task on new examples.
        using var data = TestData.Blobs(perClass: 80, classes: 6, dims: 12, seed: 8);
        var (sourceData, targetPool) = data.StratifiedSplit(0.5, seed: 5);
        using var _sourceData = sourceData;
        using var _targetPool = targetPool;
        using var targetData = targetPool.SelectClasses([3, 4, 5]);
        var (rest, test) = targetData.StratifiedSplit(0.3, seed: 0);
        using var _rest = rest;
        using var _test = test;
        using var train = rest.TakePerClass(8, seed: 0);
        Seeding.SeedEverything(1);
        using var source = ModelZoo.Create(new ModelSpec("mlp", sourceData.ExampleShape, 6));
        new SupervisedTrainer(new TrainingOptions { Epochs = 5, BatchSize = 16, Seed = 1, Threads = 1 }).Fit(source, sourceData);

        var reports = new List<ExperimentProgress>();
        using var outcome = new FineTuningExperiment(new FineTuningExperimentOptions { Training = Target })
            .Run(source, train, null, test, new SyncProgress<ExperimentProgress>(reports.Add));
        var report = outcome.Report;

        Assert.Equal(["copied, frozen", "copied, fine-tuned", "copied, fine-tuned with L2-SP"], report.Variants.Select(v => v.Name));
        Assert.Equal(FineTuningExperiment.ScratchName, report.Scratch!.Name);
        Assert.Empty(report.Scratch.CopiedStages);
        Assert.Equal(["fc1", "fc2", "head"], report.Scratch.NewStages);
        Assert.All(report.Variants, v => Assert.Equal(["fc1", "fc2"], v.CopiedStages));
        Assert.All(report.Variants, v => Assert.Equal(["head"], v.NewStages));
        Assert.Equal(CopiedStageMode.Frozen, report.Variants[0].Mode);
        Assert.True(report.Variants[2].Conservative.Enabled);
        Assert.Equal((24, 0, test.Count), (report.TrainCount, report.ValidationCount, report.TestCount));
        foreach (var r in report.Variants.Prepend(report.Scratch))
        {
            Assert.Equal(Target.Epochs, r.History.Count);
            Assert.Equal(test.Count, r.TestCount);
            Assert.Equal(3, r.PerClassTestAccuracy.Count);
            Assert.Equal(r.TestAccuracy, r.PerClassTestAccuracy.Average(), 6);        // balanced test part
            Assert.True(r.TestAccuracy > 0.7, $"{r.Name}: {r.TestAccuracy:P1}");     // chance is 1/3
        }
        Assert.Null(report.Scratch.GainOverScratch);
        Assert.All(report.Variants, v => Assert.Equal(v.TestAccuracy - report.Scratch.TestAccuracy, v.GainOverScratch!.Value, 12));
        Assert.Equal(3, outcome.Models.Count);
        Assert.NotNull(outcome.ScratchModel);
        Assert.Equal([0, 1, 2, 3], reports.Select(r => r.Run).Distinct());
        Assert.All(reports, r => Assert.InRange(r.Fraction, 0, 1));

        // Every network is seeded on its own: the fine-tuned variant alone gives the same numbers.
        using var alone = new FineTuningExperiment(new FineTuningExperimentOptions { Training = Target, Scratch = false, Variants = [FineTuningVariant.FineTuned] })
            .Run(source, train, null, test);
        Assert.Null(alone.Report.Scratch);
        Assert.Null(alone.Report.Variants[0].GainOverScratch);
        Assert.Equal(report.Variants[1].TestAccuracy, alone.Report.Variants[0].TestAccuracy);
        Assert.Equal(report.Variants[1].History.Select(h => h.TrainLoss), alone.Report.Variants[0].History.Select(h => h.TrainLoss));

        // The baseline is what fine-tuning that copies nothing gives (transfer finetune --copy none).
        var nothing = new FineTuner(new FineTuningOptions { Training = Target, Transfer = new LayerTransferOptions { Copy = StageSelection.Nothing } })
            .Fit(source, train);
        using var nothingModel = nothing.Model;
        Assert.Equal(report.Scratch.History.Select(h => h.TrainLoss), nothing.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void Bad_options_are_named()
    {
        var e = new FineTuningExperimentOptions { Scratch = false, Variants = [] }.Validate();
        Assert.Contains(e, m => m.Field == "Variants" && m.Message.Contains("nothing to train"));
        e = new FineTuningExperimentOptions { Variants = [FineTuningVariant.Frozen, FineTuningVariant.Frozen] }.Validate();
        Assert.Contains(e, m => m.Field == "Variants" && m.Message.Contains("repeat"));
        Assert.Throws<InvalidOptionsException>(() => new FineTuningExperiment(new FineTuningExperimentOptions { Training = new TrainingOptions { Epochs = 0 } }));
    }
}
