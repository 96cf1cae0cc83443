using TransferSharp.Data;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Reporting.Tour;

/// <summary>
/// Layer transfer and conservative training: LeNet trained on five Fashion-MNIST classes, then fine-tuned on the other
/// five with 20 labelled images per class, against the same network trained from scratch on those 100 images.
/// </summary>
internal static class FineTuningStage
{
    private const int Shots = 20;

    public static TourStage Stage { get; } = new("finetune", "Model fine-tuning",
        "A network trained on plentiful source data lends its layers to the target task: the copied layers start from " +
        "the source's weights (frozen, or fine-tuned) and only the rest is learnt from the few target labels. " +
        "Conservative training (L2-SP) fine-tunes them too but penalises the distance of the weights from the source's, " +
        "so that a few labels cannot pull them far.",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var source = tour.Shrink(Catalog.Load("fashion-mnist:0-4"), 300);
        using var target = tour.Shrink(Catalog.Load("fashion-mnist:5-9"), 200);
        var (targetRest, targetTest) = target.StratifiedSplit(0.5, tour.Seed);
        using var _ = targetRest;
        using var __ = targetTest;
        var (pool, validation) = targetRest.StratifiedSplit(0.2, tour.Seed);     // validation: for the curves only
        using var ___ = pool;
        using var ____ = validation;
        using var targetTrain = pool.TakePerClass(Shots, tour.Seed);
        var sourceOptions = new TrainingOptions { Epochs = tour.Epochs(4, 2, 2), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device };
        var targetOptions = new TrainingOptions { Epochs = tour.Epochs(30, 15, 8), BatchSize = 16, Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device };

        Seeding.SeedEverything(tour.Seed);
        using var sourceModel = ModelZoo.Create(new ModelSpec("lenet", source.ExampleShape, source.ClassCount));
        new SupervisedTrainer(sourceOptions).Fit(sourceModel, source, progress: new Scaled(progress, 0, 0.5), cancellation: cancel);

        // From scratch, then copied and frozen, copied and fine-tuned, fine-tuned with L2-SP.
        var experiment = new FineTuningExperiment(new FineTuningExperimentOptions { Training = targetOptions });
        using var outcome = experiment.Run(sourceModel, targetTrain, validation, targetTest, new ScaledRuns(progress, 0.5, 1), cancel);
        var (scratch, variants) = (outcome.Report.Scratch!, outcome.Report.Variants);
        var curves = tour.File("finetune", "learning-curves.png");
        TourCurves.Save(curves, $"target validation accuracy ({validation.Count} images), {Shots} labels per class", "accuracy",
            variants.Prepend(scratch).Select(r => new TourCurves.Curve(r.Name, r.History.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray())).ToArray());
        return new StageOutcome($"Fashion-MNIST classes 0-4 (source) -> 5-9 (target), {Shots} labelled target images per class", "accuracy",
            "trained from scratch", scratch.TestAccuracy, "layer transfer (copied layers, fine-tuned)", variants[1].TestAccuracy,
            [(curves, "learning curves on the target: from scratch against the three ways of starting from the source's layers")],
            [StageDetail.Percent("copied layers, frozen", variants[0].TestAccuracy), StageDetail.Count("target test images", targetTest.Count)])
        {
            OtherMethods = [new MethodScore("conservative training (fine-tuned with L2-SP)", variants[2].TestAccuracy)],
        };
    }
}
