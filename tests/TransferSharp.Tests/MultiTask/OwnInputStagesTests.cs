using TransferSharp.Export;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Tests.MultiTask;

/// <summary>
/// Tasks whose inputs differ in shape, each with its own lower stages and the upper ones shared (the lecture's speech
/// pattern): mlp stages fc1, fc2, head; own input first:1 = fc1 per task, fc2 shared, a head per task.
/// </summary>
[Collection("Sequential")]
public sealed class OwnInputStagesTests
{
    private static MultiTaskSpec Spec(int inputStages = 1, int shared = 2) =>
        new("mlp", [1, 28, 28], shared, [new("big", 3, [1, 28, 28]), new("small", 2, [1, 8, 8])]) { InputStages = inputStages };

    private static MultiTaskModel Model()
    {
        Seeding.SeedEverything(3);
        return MultiTaskModel.Create(Spec());
    }

    private static Dictionary<string, Tensor?> Grads(IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> ps) =>
        ps.ToDictionary(p => p.Name, p => p.Parameter.grad?.clone().DetachFromDisposeScope());

    [Fact]
    public void Each_task_takes_its_own_shape_and_its_loss_reaches_its_input_stages_the_trunk_and_its_head_only()
    {
        using var model = Model();
        var g = new Generator(1);
        var big = randn([4, 1, 28, 28], generator: g);
        var small = randn([4, 1, 8, 8], generator: g);
        Assert.Equal([4L, 3], model.Forward(big, "big").shape);
        Assert.Equal([4L, 2], model.Forward(small, "small").shape);
        Assert.Equal(model.Shared(big, "big").shape, model.Shared(small, "small").shape);

        model.zero_grad();
        functional.cross_entropy(model.Forward(small, "small"), tensor(new long[] { 0, 1, 1, 0 })).backward();
        Assert.All(Grads(model.InputParameters("small")).Values, t => Assert.True(t!.abs().sum().item<float>() > 0));
        Assert.All(Grads(model.TrunkParameters()).Values, t => Assert.True(t!.abs().sum().item<float>() > 0));
        Assert.All(Grads(model.InputParameters("big")).Values, t => Assert.True(t is null || t.abs().sum().item<float>() == 0));
        Assert.All(Grads(model.HeadParameters("big")).Values, t => Assert.True(t is null || t.abs().sum().item<float>() == 0));
        Assert.NotEmpty(model.InputParameters("big"));
    }

    [Fact]
    public void Bad_specs_are_refused_saying_what_to_change()
    {
        var mixed = new MultiTaskSpec("mlp", [1, 28, 28], 2, [new("big", 3), new("small", 2, [1, 8, 8])]);
        Assert.Contains("task 'small' takes 1x8x8 inputs but the trunk takes 1x28x28: give each task its own input stages",
            Assert.Throws<ArgumentException>(() => MultiTaskModel.Create(mixed)).Message);
        Assert.Contains("own input stages (2) must be fewer than the stages up to the end of the trunk (2)",
            Assert.Throws<ArgumentException>(() => MultiTaskModel.Create(Spec(inputStages: 2))).Message);
        // cnn on 28x28 and 16x16 with only conv1 of their own: the trunk would get feature maps of two sizes.
        var cnn = new MultiTaskSpec("cnn", [1, 28, 28], 3, [new("big", 3, [1, 28, 28]), new("small", 2, [1, 16, 16])]) { InputStages = 1 };
        var e = Assert.Throws<ArgumentException>(() => MultiTaskModel.Create(cnn));
        Assert.Contains("must give the shared trunk one shape: task 'big' gives", e.Message);
        Assert.Contains("give the tasks more stages of their own", e.Message);
    }

    [Fact]
    public void Checkpoint_export_of_a_task_and_onnx_keep_each_tasks_input_shape()
    {
        using var dir = new TestData.TempFolder();
        using var model = Model();
        var path = dir.File("model.pt");
        MultiTaskCheckpoint.Save(path, model, new MultiTaskInfo
        {
            Architecture = "mlp",
            SharedStages = 2,
            InputStages = 1,
            Tasks =
            [
                new TaskInfo { Name = "big", ClassNames = ["p", "q", "r"], InputShape = [1, 28, 28] },
                new TaskInfo { Name = "small", ClassNames = ["s", "t"], InputShape = [1, 8, 8] },
            ],
        });
        var (loaded, _) = MultiTaskCheckpoint.Load(path);
        using var _ = loaded;
        var small = randn([5, 1, 8, 8], generator: new Generator(2));
        model.eval();
        loaded.eval();
        Assert.True(model.Forward(small, "small").allclose(loaded.Forward(small, "small")));

        using var single = model.ExportTask("small");            // an ordinary mlp for 1x8x8 inputs
        single.eval();
        Assert.True(single.call(small).allclose(model.Forward(small, "small")));

        var onnx = dir.File("small.onnx");
        OnnxExport.Export(model.TaskPath("small"), [1, 8, 8], onnx);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        var input = small.data<float>().ToArray();
        using var outputs = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(),
            new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(input, [5, 1, 8, 8]))]);
        var fromOnnx = outputs[0].AsTensor<float>().ToArray();
        var fromTorch = model.Forward(small, "small").data<float>().ToArray();
        Assert.Equal(fromTorch.Length, fromOnnx.Length);
        for (int i = 0; i < fromTorch.Length; i++) Assert.Equal(fromTorch[i], fromOnnx[i], 1e-4);
    }

    [Fact]
    public void The_cli_trains_28x28_and_8x8_digits_together_with_their_own_first_layer()
    {
        using var dir = new TestData.TempFolder();
        var r = Cli.InProcess.Run("multitask", "--task", "mnist:0-2@shots=10", "--task", "optdigits:0-2@shots=10", "--model", "mlp",
            "--own-input", "first:1", "--epochs", "3", "--threads", "1", "--runs", dir.Path);
        Assert.True(r.ExitCode == 0, r.Error);
        var run = Directory.GetDirectories(dir.Path).Single();
        var metrics = File.ReadAllText(Path.Combine(run, "metrics.json"));
        Assert.Contains("\"input_stages\": [\n", metrics.Replace("\r\n", "\n"));
        Assert.True(File.Exists(Path.Combine(run, "tasks", "optdigits-0-2.pt")));

        var bad = Cli.InProcess.Run("multitask", "--task", "mnist:0-2", "--task", "optdigits:0-2", "--model", "mlp", "--own-input", "first:x", "--runs", dir.File("bad"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--own-input 'first:x': no stage 'x'", bad.ErrorLine);
    }
}
