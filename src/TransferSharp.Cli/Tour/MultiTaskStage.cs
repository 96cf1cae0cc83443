using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Cli.Tour;

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
        var options = new MultiTaskOptions { Epochs = tour.Epochs(5, 3, 3), StepsPerEpoch = tour.Pick(60, 60, 30), Seed = tour.Seed, Threads = tour.Threads };

        (double Accuracy, IReadOnlyList<EpochMetrics> History) Train(bool together, double from, double to)
        {
            var tasks = new List<TaskSpec> { new("digits04", smallTrain, validation) };
            if (together) tasks.Add(new TaskSpec("digits59", related));
            var heads = tasks.Select(t => new TaskHeadSpec(t.Name, t.Train.ClassCount)).ToArray();
            var stages = MultiTaskSpec.StageNames("lenet", small.ExampleShape);
            Seeding.SeedEverything(tour.Seed);
            using var model = MultiTaskModel.Create(new MultiTaskSpec("lenet", small.ExampleShape, stages.Count - 1, heads));
            var result = new MultiTaskTrainer(options).Fit(model, tasks, new Scaled(progress, from, to), cancel);
            return (Metrics.Evaluate(model.TaskPath("digits04"), smallTest).Accuracy, result.History["digits04"]);
        }

        var alone = Train(together: false, 0, 0.3);
        var together = Train(together: true, 0.3, 1);
        var curves = tour.File("multitask", "learning-curves.png");
        TourCurves.Save(curves, $"digits 0-4: validation accuracy ({validation.Count} images), {Shots} labels per class", "accuracy",
            new TourCurves.Curve("trained alone", alone.History.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray()),
            new TourCurves.Curve("multitask with digits 5-9", together.History.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray()));
        return new StageOutcome($"MNIST digits 0-4 with {Shots} labels per class, alone or with digits 5-9 ({related.Count} labelled)", "accuracy",
            "trained alone", alone.Accuracy, "multitask with digits 5-9", together.Accuracy,
            [(curves, "learning curves of the small task (digits 0-4), alone and trained together with digits 5-9")],
            [StageDetail.Count("labelled images of digits 0-4", smallTrain.Count), StageDetail.Count("test images", smallTest.Count)]);
    }
}

/// <summary>Maps a trainer's progress (0..1) into a slice of the stage's bar.</summary>
internal sealed class Scaled(IProgress<double> stage, double from, double to) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p) => stage.Report(from + (to - from) * p.Fraction);
}
