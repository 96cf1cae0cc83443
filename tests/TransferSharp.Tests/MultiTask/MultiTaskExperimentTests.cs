using TransferSharp.Data;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Tests.MultiTask;

[Collection("Sequential")]
public sealed class MultiTaskExperimentTests
{
    [Fact]
    public void Tasks_over_one_source_share_its_split_so_no_test_image_trains_any_task()
    {
        // mnist and mnist:5-9 used to be split separately, so the shared trunk could train on the other task's test
        // images. Compare image contents: no test image of any task may be a training or validation image of any task.
        TaskSource[] sources = [new("all", "mnist"), new("high", "mnist:5-9") { Shots = 30 }, new("parity", "mnist:0-7") { Labels = "parity" }];
        using var split = MultiTaskSplit.Create(sources, new DataOptions(), testFraction: 0.2, validationFraction: 0.1, seed: 4);
        var tasks = split.Tasks;
        Assert.Equal(["all", "high", "parity"], tasks.Select(t => t.Source.Name));
        var trained = tasks.SelectMany(t => Rows(t.Train).Concat(Rows(t.Validation!))).ToHashSet();
        foreach (var t in tasks) Assert.Empty(Rows(t.Test).Intersect(trained));
        Assert.Equal(5, tasks[1].Train.ClassCount);
        Assert.Equal(150, tasks[1].Train.Count);                                   // 30 shots of 5 classes
        Assert.Equal(["even", "odd"], tasks[2].Train.ClassNames);
        // The filtered task's test images are exactly the full task's test images of digits 5-9.
        using var fiveToNine = tasks[0].Test.Labels!.ge(5);
        Assert.Equal(fiveToNine.sum().item<long>(), tasks[1].Test.Count);
        Assert.Subset(Rows(tasks[0].Test), Rows(tasks[1].Test));

        var e = Assert.Throws<TaskDataException>(() => MultiTaskSplit.Create([new("ok", "mnist"), new("bad", "mnist:0-4") { Shots = 5000 }],
            new DataOptions(), 0.2, 0.1, 0));
        Assert.Equal(1, e.Index);
        Assert.Equal("bad", e.Task.Name);
    }

    [Fact]
    public void Multitask_and_alone_runs_are_reported_per_task_and_alone_is_a_single_task_run()
    {
        using var data = TestData.Blobs(perClass: 40, classes: 4, dims: 8, seed: 5);
        var (rest, test) = data.StratifiedSplit(0.25, seed: 0);
        using var _rest = rest;
        using var _test = test;
        using var trainA = rest.SelectClasses([0, 1]);
        using var trainB = rest.SelectClasses([2, 3]);
        using var testA = test.SelectClasses([0, 1]);
        using var testB = test.SelectClasses([2, 3]);
        TaskData a = new(new TaskSource("a", "blobs:0,1"), trainA, null, testA, "a");
        TaskData b = new(new TaskSource("b", "blobs:2,3") { Weight = 2 }, trainB, null, testB, "b");
        var training = new MultiTaskOptions { Epochs = 4, BatchSize = 10, Seed = 2, Threads = 1 };
        var options = new MultiTaskExperimentOptions { Architecture = "mlp", Training = training, Alone = ["a"] };

        var experiment = new MultiTaskExperiment(options, [a, b]);
        Assert.Equal(["fc1", "fc2"], experiment.SharedStageNames);
        Assert.Equal(["head"], experiment.TaskStageNames);
        using var outcome = experiment.Run();
        var report = outcome.Report;
        Assert.Equal(["a", "b"], report.Tasks.Select(t => t.Name));
        Assert.Equal(4, report.Epochs.Count);
        foreach (var t in report.Tasks)
        {
            Assert.Equal(4, t.History.Count);
            Assert.True(t.Steps > 0);
            Assert.True(t.TestAccuracy > 0.8, $"{t.Name}: {t.TestAccuracy:P1}");   // two blobs each: chance 1/2
        }
        Assert.Equal(2.0, report.Tasks[1].FinalLossWeight);
        Assert.Null(report.Tasks[1].AloneTestAccuracy);
        Assert.Null(report.Tasks[1].GainOverAlone);
        var alone = report.Tasks[0].AloneTestAccuracy!.Value;
        Assert.Equal(report.Tasks[0].TestAccuracy - alone, report.Tasks[0].GainOverAlone!.Value, 12);

        // "Alone" is exactly a multitask run with that task only (each network seeded on its own).
        using var single = new MultiTaskExperiment(options with { Alone = [] }, [a]).Run();
        Assert.Equal(single.Report.Tasks[0].TestAccuracy, alone);
        Assert.Equal(single.Report.Tasks[0].History.Select(h => h.TrainLoss), report.Tasks[0].AloneHistory!.Select(h => h.TrainLoss));

        Assert.Contains("'c'", Assert.Throws<ArgumentException>(() => new MultiTaskExperiment(options with { Alone = ["c"] }, [a, b])).Message);
        using var wide = TestData.Blobs(perClass: 10, classes: 2, dims: 5, seed: 1);
        Assert.Throws<ArgumentException>(() => new MultiTaskExperiment(options with { Alone = [] }, [a, new(new TaskSource("w", "w"), wide, null, wide, "w")]));
    }

    private static HashSet<string> Rows(Dataset d)
    {
        using var flat = d.Inputs.reshape(d.Count, -1);
        var values = flat.data<float>().ToArray();
        int width = (int)flat.shape[1];
        var rows = new HashSet<string>();
        for (int i = 0; i < d.Count; i++)
            rows.Add(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(i * width, width))));
        return rows;
    }
}
