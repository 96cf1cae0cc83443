using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Tests.MultiTask;

[Collection("Sequential")]
public sealed class MultiTaskModelTests
{
    // mlp stages: fc1, fc2, head. Shared first:1 = fc1; each task keeps its own fc2 and head.
    private static MultiTaskModel TwoTasks(int shared = 1)
    {
        Seeding.SeedEverything(3);
        return MultiTaskModel.Create(new MultiTaskSpec("mlp", [8], shared, [new("a", 3), new("b", 2)]));
    }

    private static (Tensor X, Tensor Ya, Tensor Yb) Batch()
    {
        var g = new Generator(5);
        var x = randn([16, 8], generator: g).DetachFromDisposeScope();
        var ya = randint(0, 3, [16], generator: g).DetachFromDisposeScope();
        var yb = randint(0, 2, [16], generator: g).DetachFromDisposeScope();
        return (x, ya, yb);
    }

    private static Dictionary<string, Tensor?> Grads(IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> ps) =>
        ps.ToDictionary(p => p.Name, p => p.Parameter.grad?.clone().DetachFromDisposeScope());

    private static bool AllNonZero(Dictionary<string, Tensor?> g) => g.Values.All(t => t is not null && t.abs().sum().item<float>() > 0);
    private static bool AllAbsent(Dictionary<string, Tensor?> g) => g.Values.All(t => t is null || t.abs().sum().item<float>() == 0);

    [Fact]
    public void The_trunk_gets_gradients_from_every_task_and_each_head_only_from_its_own()
    {
        using var model = TwoTasks();
        var (x, ya, yb) = Batch();

        model.zero_grad();
        functional.cross_entropy(model.Forward(x, "a"), ya).backward();
        var trunkA = Grads(model.TrunkParameters());
        Assert.NotEmpty(trunkA);
        Assert.True(AllNonZero(trunkA), "task a's loss must reach every trunk parameter");
        Assert.True(AllNonZero(Grads(model.HeadParameters("a"))), "task a's loss must reach its head");
        Assert.True(AllAbsent(Grads(model.HeadParameters("b"))), "task a's loss must not reach head b");

        model.zero_grad();
        functional.cross_entropy(model.Forward(x, "b"), yb).backward();
        var trunkB = Grads(model.TrunkParameters());
        Assert.True(AllNonZero(trunkB), "task b's loss must reach every trunk parameter");
        Assert.True(AllNonZero(Grads(model.HeadParameters("b"))));
        Assert.True(AllAbsent(Grads(model.HeadParameters("a"))), "task b's loss must not reach head a");

        // Both together: the trunk's gradient is the sum of the two (one trunk, not a copy per task).
        model.zero_grad();
        (functional.cross_entropy(model.Forward(x, "a"), ya) + functional.cross_entropy(model.Forward(x, "b"), yb)).backward();
        foreach (var (name, g) in Grads(model.TrunkParameters()))
            Assert.True(g!.allclose(trunkA[name]! + trunkB[name]!, rtol: 1e-4, atol: 1e-6), name);
    }

    [Fact]
    public void State_dict_keys_are_trunk_and_per_task_heads()
    {
        using var model = TwoTasks(shared: 2);
        var keys = model.state_dict().Keys.Order().ToArray();
        Assert.Equal(["heads.a.head.bias", "heads.a.head.weight", "heads.b.head.bias", "heads.b.head.weight",
            "trunk.fc1.1.bias", "trunk.fc1.1.weight", "trunk.fc2.0.bias", "trunk.fc2.0.weight"], keys);
        Assert.Equal(["fc1", "fc2"], model.SharedStageNames);
    }

    [Fact]
    public void A_custom_trunk_and_heads_work_too()
    {
        Seeding.SeedEverything(1);
        using var model = new MultiTaskModel(nn.Sequential(nn.Linear(4, 6), nn.ReLU()), [("x", nn.Linear(6, 3)), ("y", nn.Linear(6, 2))]);
        using var input = randn(5, 4);
        Assert.Equal([5L, 3], model.Forward(input, "x").shape);
        Assert.Equal([5L, 2], model.Forward(input, "y").shape);
        Assert.Equal([5L, 6], model.Shared(input).shape);
        Assert.Throws<InvalidOperationException>(() => model.ExportTask("x"));

        // Evaluating through a task's path leaves the model in the mode it was in.
        using var data = TestData.Blobs(5, 3, 4, seed: 1);
        model.eval();
        Assert.InRange(TransferSharp.Evaluation.Metrics.Evaluate(model.TaskPath("x"), data).Accuracy, 0, 1);
        Assert.False(model.training);
        model.train();
        TransferSharp.Evaluation.Metrics.Evaluate(model.TaskPath("x"), data);
        Assert.True(model.training);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(input, "z"));
        Assert.Contains("no task 'z'", e.Message);
    }

    [Fact]
    public void Save_and_load_restore_every_task_and_a_task_exports_as_a_single_model()
    {
        using var dir = new TestData.TempFolder();
        using var model = TwoTasks();
        var path = dir.File("model.pt");
        var info = new MultiTaskInfo
        {
            Architecture = "mlp",
            SharedStages = 1,
            Tasks = [new TaskInfo { Name = "a", ClassNames = ["p", "q", "r"], InputShape = [8] }, new TaskInfo { Name = "b", ClassNames = ["s", "t"], InputShape = [8] }],
        };
        MultiTaskCheckpoint.Save(path, model, info);
        var (loaded, readBack) = MultiTaskCheckpoint.Load(path);
        using var _ = loaded;
        Assert.Equal(["p", "q", "r"], readBack.Tasks[0].ClassNames);
        var (x, _, _) = Batch();
        model.eval();
        loaded.eval();
        foreach (var task in new[] { "a", "b" })
            Assert.True(model.Forward(x, task).allclose(loaded.Forward(x, task)), task);

        // One task's path as an ordinary checkpoint: same outputs, loadable by the single-model Checkpoint.
        using var single = model.ExportTask("b");
        single.eval();
        Assert.True(single.call(x).allclose(model.Forward(x, "b")));
        Checkpoint.Save(dir.File("b.pt"), single, new CheckpointInfo { Architecture = "mlp", InputShape = [8], ClassNames = ["s", "t"] });
        var (reloaded, _) = Checkpoint.Load(dir.File("b.pt"));
        using var __ = reloaded;
        reloaded.eval();
        Assert.True(reloaded.call(x).allclose(model.Forward(x, "b")));
    }

    [Fact]
    public void A_damaged_sidecar_gives_a_clean_error_naming_the_file()
    {
        using var dir = new TestData.TempFolder();
        using var model = TwoTasks();
        var path = dir.File("model.pt");
        MultiTaskCheckpoint.Save(path, model, new MultiTaskInfo
        {
            Architecture = "mlp",
            SharedStages = 1,
            Tasks = [new TaskInfo { Name = "a", ClassNames = ["p", "q", "r"], InputShape = [8] }, new TaskInfo { Name = "b", ClassNames = ["s", "t", "u"], InputShape = [8] }],
        });
        // The sidecar claims 3 classes for b but the weights have 2.
        var e = Assert.Throws<InvalidDataException>(() => MultiTaskCheckpoint.Load(path));
        Assert.Contains("model.pt", e.Message);
        File.WriteAllText(dir.File("model.json"), "{ not json");
        Assert.Contains("model.json", Assert.Throws<InvalidDataException>(() => MultiTaskCheckpoint.ReadInfo(path)).Message);
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData("first:1", 1)]
    [InlineData("first:fc2", 2)]
    public void Shared_option_parses(string? option, int expected) =>
        Assert.Equal(expected, MultiTaskSpec.ParseShared(option, ["fc1", "fc2", "head"]));

    [Theory]
    [InlineData("first:0", "1 to 2")]
    [InlineData("first:3", "1 to 2")]
    [InlineData("first:head", "1 to 2")]
    [InlineData("first:conv9", "no stage 'conv9'")]
    [InlineData("last:1", "must be first:1 .. first:2")]
    public void Bad_shared_options_name_the_problem(string option, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => MultiTaskSpec.ParseShared(option, ["fc1", "fc2", "head"]));
        Assert.Contains(expected, e.Message);
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void Label_maps_derive_related_label_sets_over_the_same_images()
    {
        using var digits = new Dataset("d", zeros(6, 2), tensor(new long[] { 0, 1, 2, 3, 8, 9 }),
            Enumerable.Range(0, 10).Select(i => $"{i}").ToArray(), "test");
        using var parity = digits.Named("parity");
        Assert.Equal(["even", "odd"], parity.ClassNames);
        Assert.Equal([0L, 1, 0, 1, 0, 1], parity.LabelArray());

        using var fashion = new Dataset("f", zeros(4, 2), tensor(new long[] { 0, 5, 8, 9 }),
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], "test");
        using var coarse = fashion.Named("coarse");
        Assert.Equal(["clothing", "footwear", "bag"], coarse.ClassNames);
        Assert.Equal([0L, 1, 2, 1], coarse.LabelArray());

        Assert.Contains("digit classes", Assert.Throws<ArgumentException>(() => fashion.Named("parity")).Message);
        Assert.Contains("Fashion-MNIST", Assert.Throws<ArgumentException>(() => digits.Named("coarse")).Message);
        Assert.Contains("unknown", Assert.Throws<ArgumentException>(() => digits.Named("shape")).Message);
    }
}
