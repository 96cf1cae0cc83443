using TransferSharp.Data;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Reporting.Tour;

/// <summary>
/// Layer transfer and conservative training in the regime the lecture is about: a small CNN trained on MNIST digits 0-4,
/// then trained on digits 5-9 from 5 labelled images per class, against the same network trained from scratch on those
/// 25 images. A related split (strokes and loops are shared by every digit) with scarce labels: bench/finetune.md
/// measures +12 to +16 points here over 3 seeds, against about 0 on Fashion-MNIST's dissimilar halves (the
/// transferability stage's data).
/// </summary>
internal static class FineTuningStage
{
    private const int Shots = 5;

    /// <summary>The variants: the two best of bench/finetune.md's related split, and plain fine-tuning (`transfer finetune`'s defaults).</summary>
    private static readonly FineTuningVariant[] Variants =
    [
        new("first two blocks copied, frozen", new LayerTransferOptions { Copy = StageSelection.First(2), Mode = CopiedStageMode.Frozen }, new ConservativeOptions()),
        FineTuningVariant.FineTuned,
        new("copied, fine-tuned with L2-SP and LwF", new LayerTransferOptions { Copy = StageSelection.AllFeatures, Mode = CopiedStageMode.FineTuned },
            new ConservativeOptions { StartingPointAlpha = 0.01, StartingPointBeta = 0.001, DistillationWeight = 1 }),
    ];

    public static TourStage Stage { get; } = new("finetune", "Model fine-tuning",
        "A network trained on plentiful source data lends its layers to the target task: the copied layers start from " +
        "the source's weights (frozen, or fine-tuned) and only the rest is learnt from the few target labels. " +
        "Conservative training fine-tunes them too but keeps the weights near the source's (L2-SP) and the source head's " +
        "outputs on the target images unchanged (Learning without Forgetting), so that a few labels cannot pull them far.",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var source = tour.Shrink(Catalog.Load("mnist:0-4"), 300);
        using var target = tour.Shrink(Catalog.Load("mnist:5-9"), 200);
        var (targetRest, targetTest) = target.StratifiedSplit(0.5, tour.Seed);
        using var _ = targetRest;
        using var __ = targetTest;
        var (pool, heldOut) = targetRest.StratifiedSplit(0.2, tour.Seed);
        using var ___ = pool;
        using var ____ = heldOut;
        using var validation = heldOut.TakePerClass(10, tour.Seed);           // for the curves only: evaluated every epoch
        using var targetTrain = pool.TakePerClass(Shots, tour.Seed);
        var sourceOptions = new TrainingOptions { Epochs = tour.Epochs(3, 2, 2), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device };
        // 25 images in batches of 16: two steps an epoch, so 60 / 30 epochs are 120 / 60 steps.
        var targetOptions = new TrainingOptions { Epochs = tour.Epochs(60, 30, 8), BatchSize = 16, Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device };

        Seeding.SeedEverything(tour.Seed);
        using var sourceModel = ModelZoo.Create(new ModelSpec("cnn", source.ExampleShape, source.ClassCount));
        new SupervisedTrainer(sourceOptions).Fit(sourceModel, source, progress: new Scaled(progress, 0, 0.5), cancellation: cancel);

        var experiment = new FineTuningExperiment(new FineTuningExperimentOptions { Training = targetOptions, Variants = Variants });
        using var outcome = experiment.Run(sourceModel, targetTrain, validation, targetTest, new ScaledRuns(progress, 0.5, 1), cancel);
        var (scratch, variants) = (outcome.Report.Scratch!, outcome.Report.Variants);
        var curves = tour.File("finetune", "learning-curves.png");
        TourCurves.Save(curves, $"target validation accuracy ({validation.Count} images), {Shots} labels per class", "accuracy",
            variants.Prepend(scratch).Select(r => new TourCurves.Curve(r.Name, r.History.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray())).ToArray());
        return new StageOutcome($"MNIST digits 0-4 (source) -> 5-9 (target), {Shots} labelled target images per class, small CNN", "accuracy",
            "trained from scratch", scratch.TestAccuracy, "layer transfer (first two blocks copied, frozen)", variants[0].TestAccuracy,
            [(curves, "learning curves on the target: from scratch against the three ways of starting from the source's layers")],
            [StageDetail.Count("target test images", targetTest.Count)])
        {
            OtherMethods =
            [
                new MethodScore("conservative training (L2-SP + LwF)", variants[2].TestAccuracy),
                new MethodScore("fine-tuning every copied layer (finetune's defaults)", variants[1].TestAccuracy),
            ],
        };
    }
}
