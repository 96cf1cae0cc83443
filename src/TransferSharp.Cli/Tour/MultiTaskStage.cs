using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Cli.Tour;

/// <summary>Multitask: digits 0–4 with 10 labels per class, alone vs with digits 5–9 (all labels) as a second task.</summary>
internal static class MultiTaskStage
{
    public static TourStage Stage { get; } = new("multitask", "Multitask learning",
        "Tasks share the lower layers of one network and each keeps its own head; training on both at once lets a task " +
        "with few labels borrow features learnt from a related task with many. Here digits 0-4 with 10 labels per class " +
        "are learnt alone and then together with digits 5-9.",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var small = Catalog.Load("mnist:0-4");
        using var related = Catalog.Load("mnist:5-9");
        var (smallRest, smallTest) = small.StratifiedSplit(0.2, tour.Seed);
        using var _ = smallRest;
        using var __ = smallTest;
        using var smallTrain = smallRest.TakePerClass(10, tour.Seed);
        var options = new MultiTaskOptions { Epochs = tour.Epochs(5, 3), StepsPerEpoch = 60, Seed = tour.Seed };

        double Train(bool together, double from, double to)
        {
            var tasks = new List<TaskSpec> { new("digits04", smallTrain) };
            if (together) tasks.Add(new TaskSpec("digits59", related));
            var heads = tasks.Select(t => new TaskHeadSpec(t.Name, t.Train.ClassCount)).ToArray();
            var stages = MultiTaskSpec.StageNames("lenet", small.ExampleShape);
            Seeding.SeedEverything(tour.Seed);
            using var model = MultiTaskModel.Create(new MultiTaskSpec("lenet", small.ExampleShape, stages.Count - 1, heads));
            new MultiTaskTrainer(options).Fit(model, tasks, new Scaled(progress, from, to), cancel);
            return Metrics.Evaluate(model.TaskPath("digits04"), smallTest).Accuracy;
        }

        double alone = Train(together: false, 0, 0.3);
        double together = Train(together: true, 0.3, 1);
        return new StageOutcome("digits 0-4, 10 labels per class (+ digits 5-9)", "accuracy",
            "trained alone", alone, "multitask with digits 5-9", together, [], [("test images", smallTest.Count)]);
    }
}

/// <summary>Maps a trainer's progress (0..1) into a slice of the stage's bar.</summary>
internal sealed class Scaled(IProgress<double> stage, double from, double to) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p) => stage.Report(from + (to - from) * p.Fraction);
}
