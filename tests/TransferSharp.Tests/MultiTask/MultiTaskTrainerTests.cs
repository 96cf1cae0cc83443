using TransferSharp.Data;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Tests.MultiTask;

[Collection("Sequential")]
public sealed class MultiTaskTrainerTests
{
    private static MultiTaskModel Mlp(int dims, params (string Name, int Classes)[] tasks)
    {
        Seeding.SeedEverything(0);
        return MultiTaskModel.Create(new MultiTaskSpec("mlp", [dims], 2, tasks.Select(t => new TaskHeadSpec(t.Name, t.Classes)).ToArray()));
    }

    /// <summary>The same inputs with labels replaced, for <paramref name="noise"/> of them, by a random class.</summary>
    private static Dataset Noisy(Dataset clean, double noise, int seed)
    {
        var rng = new Random(seed);
        var y = clean.LabelArray().Select(c => rng.NextDouble() < noise ? rng.Next(clean.ClassCount) : c).ToArray();
        return new Dataset("noisy", clean.Inputs.alias(), tensor(y), clean.ClassNames, "labels partly randomised");
    }

    [Fact]
    public void Two_tasks_on_different_inputs_are_both_learnt_and_reported_separately()
    {
        using var a = TestData.Blobs(40, 3, 8, seed: 1);
        using var b = TestData.Blobs(40, 4, 8, seed: 2);
        var (aTrain, aVal) = a.StratifiedSplit(0.25, 1);
        var (bTrain, bVal) = b.StratifiedSplit(0.25, 1);
        using var model = Mlp(8, ("a", 3), ("b", 4));
        var options = new MultiTaskOptions { Epochs = 4, BatchSize = 16, Threads = 2, Seed = 1 };
        var result = new MultiTaskTrainer(options).Fit(model, [new("a", aTrain, aVal), new("b", bTrain, bVal)]);

        Assert.Equal(4, result.History["a"].Count);
        // Chance is 33% and 25%; the blobs are 3 standard deviations apart.
        Assert.True(result.History["a"][^1].ValidationAccuracy > 0.85, $"a: {result.History["a"][^1].ValidationAccuracy}");
        Assert.True(result.History["b"][^1].ValidationAccuracy > 0.8, $"b: {result.History["b"][^1].ValidationAccuracy}");
        // Round-robin: the tasks take turns, so both get the same number of steps.
        Assert.All(result.Epochs, e => Assert.Equal(e.Steps["a"], e.Steps["b"]));
        Assert.All(result.Epochs, e => Assert.Equal([1.0, 1.0], e.LossWeights.Values));
    }

    [Fact]
    public void Uncertainty_weights_are_learnt_and_weigh_down_the_noisier_task()
    {
        using var blobs = TestData.Blobs(60, 3, 8, seed: 4);
        var (clean, heldOut) = blobs.StratifiedSplit(0.25, seed: 0);
        using var _ = clean;
        using var __ = heldOut;
        using var noisy = Noisy(clean, noise: 0.7, seed: 5);      // same inputs, a second, much noisier label set
        using var model = Mlp(8, ("clean", 3), ("noisy", 3));
        var options = new MultiTaskOptions { Epochs = 6, BatchSize = 25, Threads = 2, Seed = 2, Sampling = TaskSampling.AllTasks, Weighting = LossWeighting.Uncertainty, LearningRate = 0.02 };
        var result = new MultiTaskTrainer(options).Fit(model, [new("clean", clean, heldOut), new("noisy", noisy)]);

        var s = result.Epochs[^1].LogVariances;
        Assert.True(Math.Abs(s["clean"]) > 0.1 && Math.Abs(s["noisy"]) > 0.1, $"log variances barely moved from 0: {s["clean"]}, {s["noisy"]}");
        // exp(−s) tracks 1 / L: the task whose loss stays high gets the smaller weight.
        Assert.True(s["noisy"] > s["clean"] + 0.3, $"s_noisy {s["noisy"]} vs s_clean {s["clean"]}");
        Assert.True(result.Epochs[^1].LossWeights["noisy"] < result.Epochs[^1].LossWeights["clean"]);
        Assert.NotEqual(result.Epochs[0].LossWeights["clean"], result.Epochs[^1].LossWeights["clean"]);
        Assert.True(result.History["clean"][^1].ValidationAccuracy > 0.85);
    }

    [Fact]
    public void Proportional_and_weighted_sampling_follow_sizes_and_weights()
    {
        var proportional = new TaskSampler(TaskSampling.Proportional, [300, 100], [1, 1], seed: 1);
        var counts = new int[2];
        for (int i = 0; i < 4000; i++) counts[proportional.Next()[0]]++;
        Assert.InRange(counts[0] / 4000.0, 0.72, 0.78);                    // 3 : 1

        var weighted = new TaskSampler(TaskSampling.Weighted, [300, 100], [0, 2], seed: 1);
        Assert.All(Enumerable.Range(0, 200), _ => Assert.Equal(1, weighted.Next()[0]));   // weight 0: never drawn
        var oneToThree = new TaskSampler(TaskSampling.Weighted, [300, 100], [1, 3], seed: 1);
        var drawn = new int[2];
        for (int i = 0; i < 4000; i++) drawn[oneToThree.Next()[0]]++;
        Assert.InRange(drawn[0] / 4000.0, 0.22, 0.28);                     // 1 : 3, whatever the sizes

        var roundRobin = new TaskSampler(TaskSampling.RoundRobin, [300, 100, 5], [1, 1, 1], seed: 1);
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(_ => roundRobin.Next()[0]));
        Assert.Equal([0, 1, 2], new TaskSampler(TaskSampling.AllTasks, [3, 4, 5], [1, 1, 1], 0).Next());
        Assert.Throws<ArgumentException>(() => new TaskSampler(TaskSampling.Weighted, [3, 4], [0, 0], 0));
    }

    public static TheoryData<string, string> BadTasks => new()
    {
        { "missing-head", "no head for task 'c'" },
        { "idle-head", "no data for head 'b'" },
        { "shape", "has 6 examples but task 'a' has 8" },
        { "classes", "task 'b' has 3 classes but its head has 2 outputs" },
        { "unlabelled", "training set 'blobs' has no labels" },
        { "duplicate", "task name 'a' is used 2 times" },
        { "name", "task name 'a.b' must be" },
        { "weight", "loss weight must be finite and non-negative" },
        { "none", "no tasks to train" },
    };

    [Theory]
    [MemberData(nameof(BadTasks))]
    public void Bad_task_specs_give_one_clean_error_naming_the_task(string problem, string expected)
    {
        using var a = TestData.Blobs(10, 3, 8, seed: 1);
        using var b = TestData.Blobs(10, 2, 8, seed: 2);
        using var b3 = TestData.Blobs(10, 3, 8, seed: 2);
        using var narrow = TestData.Blobs(10, 2, 6, seed: 2);
        using var unlabelled = b.WithoutLabels();
        using var model = Mlp(8, ("a", 3), ("b", 2));
        TaskSpec[] tasks = problem switch
        {
            "missing-head" => [new("a", a), new("b", b), new("c", b)],
            "idle-head" => [new("a", a)],
            "shape" => [new("a", a), new("b", narrow)],
            "classes" => [new("a", a), new("b", b3)],
            "unlabelled" => [new("a", a), new("b", unlabelled)],
            "duplicate" => [new("a", a), new("a", a), new("b", b)],
            "name" => [new("a.b", a), new("b", b)],
            "weight" => [new("a", a) { LossWeight = double.NaN }, new("b", b)],
            _ => [],
        };
        var e = Assert.Throws<ArgumentException>(() => new MultiTaskTrainer(new MultiTaskOptions { Epochs = 1 }).Fit(model, tasks));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Bad_options_name_every_field()
    {
        var e = Assert.Throws<InvalidOptionsException>(() => new MultiTaskTrainer(new MultiTaskOptions { Epochs = 0, BatchSize = -1, StepsPerEpoch = -3 }));
        Assert.Equal(["Epochs", "BatchSize", "StepsPerEpoch"], e.Errors.Select(x => x.Field));
        Assert.Contains("epochs", e.Message);
        Assert.Contains("batch size", e.Message);
        Assert.Contains("steps per epoch", e.Message);
    }
}

