using TransferSharp.Data;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Reporting.Tour;

/// <summary>Multitask: digits 0–4 with 10 labels per class, alone vs with digits 5–9 (all labels) as a second task.</summary>
internal static class MultiTaskStage
{
    private const int Shots = 10;

    public static TourStage Stage { get; } = new("multitask", "Multitask learning",
        "Tasks share the lower layers of one network and each keeps its own head. Training on both at once lets a task " +
        "with few labels borrow features learnt from a related task with many.",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var small = tour.Shrink(Catalog.Load("mnist:0-4"), 200);
        using var related = tour.Shrink(Catalog.Load("mnist:5-9"), 200);
        var (smallRest, smallTest) = small.StratifiedSplit(0.2, tour.Seed);
        using var _ = smallRest;
        using var __ = smallTest;
        var (pool, validation) = smallRest.StratifiedSplit(0.2, tour.Seed);     // validation: for the curves only
        using var ___ = pool;
        using var ____ = validation;
        using var smallTrain = pool.TakePerClass(Shots, tour.Seed);
        var options = new MultiTaskOptions { Epochs = tour.Epochs(5, 3, 3), StepsPerEpoch = tour.Pick(60, 60, 30), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device };

        // Digits 5-9 are not scored here: their test part is their training set, only to fill the record.
        TaskData[] tasks =
        [
            new(new TaskSource("digits04", "mnist:0-4"), smallTrain, validation, smallTest, "mnist:0-4"),
            new(new TaskSource("digits59", "mnist:5-9"), related, null, related, "mnist:5-9"),
        ];
        var experiment = new MultiTaskExperiment(new MultiTaskExperimentOptions { Architecture = "lenet", Training = options, Alone = ["digits04"] }, tasks);
        using var outcome = experiment.Run(new ScaledRuns(progress, 0, 1), cancel);
        var small04 = outcome.Report.Tasks[0];
        var curves = tour.File("multitask", "learning-curves.png");
        TourCurves.Save(curves, $"digits 0-4: validation accuracy ({validation.Count} images), {Shots} labels per class", "accuracy",
            new TourCurves.Curve("trained alone", small04.AloneHistory!.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray()),
            new TourCurves.Curve("multitask with digits 5-9", small04.History.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray()));
        return new StageOutcome($"MNIST digits 0-4 with {Shots} labels per class, alone or with digits 5-9 ({related.Count} labelled)", "accuracy",
            "trained alone", small04.AloneTestAccuracy!.Value, "multitask with digits 5-9", small04.TestAccuracy,
            [(curves, "learning curves of the small task (digits 0-4), alone and trained together with digits 5-9")],
            [StageDetail.Count("labelled images of digits 0-4", smallTrain.Count), StageDetail.Count("test images", smallTest.Count)]);
    }
}

/// <summary>Maps a library experiment's progress (0..1 over its runs) into a slice of the stage's bar.</summary>
internal sealed class ScaledRuns(IProgress<double> stage, double from, double to) : IProgress<ExperimentProgress>
{
    public void Report(ExperimentProgress p) => stage.Report(from + (to - from) * p.Fraction);
}

/// <summary>Maps a trainer's progress (0..1) into a slice of the stage's bar.</summary>
internal sealed class Scaled(IProgress<double> stage, double from, double to) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p) => stage.Report(from + (to - from) * p.Fraction);
}
