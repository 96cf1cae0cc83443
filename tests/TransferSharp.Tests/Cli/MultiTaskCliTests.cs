using System.Text.Json;
using TransferSharp.Cli.Commands;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class MultiTaskCliTests
{
    [Theory]
    [InlineData("mnist", "mnist", "mnist", null, null, 1.0)]
    [InlineData("mnist:0-4@shots=10,weight=2", "mnist:0-4", "mnist-0-4", null, 10, 2.0)]
    [InlineData("fashion-mnist:Sandal,Bag@labels=coarse", "fashion-mnist:Sandal,Bag", "fashion-mnist-sandal-bag-coarse", "coarse", null, 1.0)]
    [InlineData("mnist@labels=parity,name=parity", "mnist", "parity", "parity", null, 1.0)]
    [InlineData("data/run@2/set.csv", "data/run@2/set.csv", "set", null, null, 1.0)]
    public void Task_values_carry_options_after_the_last_at(string text, string source, string name, string? labels, int? shots, double weight)
    {
        var a = TaskArgument.Parse(text);
        Assert.Equal((source, name, labels, shots, weight), (a.Data, a.Name, a.Labels, a.Shots, a.Weight));
    }

    [Theory]
    [InlineData("mnist@shots=0", "shots must be a positive whole number")]
    [InlineData("mnist@shots=ten", "shots must be a positive whole number")]
    [InlineData("mnist@colour=red", "unknown option 'colour'")]
    [InlineData("mnist@weight=-1", "weight must be a non-negative number")]
    [InlineData("mnist@labels=shape", "labels 'shape' is unknown")]
    [InlineData("mnist@shots=5,shots=6", "option 'shots' given twice")]
    [InlineData("mnist@name=a.b", "name 'a.b' must be")]
    [InlineData("@shots=5", "no dataset before '@'")]
    [InlineData("mnist@shots=5,", "option '' must be key=value")]
    public void Bad_task_values_name_the_task_and_the_problem(string text, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => TaskArgument.Parse(text));
        Assert.Contains($"--task '{text}'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("multitask --task mnist --task mnist", "task name 'mnist' is used 2 times")]
    [InlineData("multitask --task mnist@shots=5000", "--task 'mnist@shots=5000'")]
    [InlineData("multitask --task mnist --task optdigits", "has 1x8x8 examples but task 'mnist' has 1x28x28")]
    [InlineData("multitask --task mnist:0-4 --task mnist:5-9 --shared first:9", "--shared 'first:9'")]
    [InlineData("multitask --task mnist --sampling random", "--sampling 'random' is unknown")]
    [InlineData("multitask --model lenet", "--task is required")]
    public void Bad_input_prints_one_line_and_leaves_no_run_folder(string args, string expected)
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, args.Split(' '));
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Help_explains_the_task_syntax()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "multitask", "--help");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("NAME|PATH[:classes][@key=value,...]", r.Stdout);
        Assert.Contains("labels=parity|coarse", r.Stdout);
    }

    [Fact]
    public void A_run_leaves_a_multitask_checkpoint_single_task_models_and_a_curve_per_task()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "multitask", "--task", "mnist:0-4@shots=5", "--task", "mnist:0-4@labels=parity,name=parity",
            "--model", "mlp", "--shared", "first:1", "--epochs", "2", "--steps-per-epoch", "15", "--weighting", "uncertainty",
            "--validation-fraction", "0", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        foreach (var f in new[] { "model.pt", "model.json", "metrics.json", "run.json", "learning-curve-mnist-0-4.png", "learning-curve-parity.png",
                     "tasks/mnist-0-4.pt", "tasks/mnist-0-4.json", "tasks/parity.pt", "tasks/parity.json" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var tasks = metrics.RootElement.GetProperty("tasks").EnumerateArray().ToArray();
        Assert.Equal(["mnist-0-4", "parity"], tasks.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(25, tasks[0].GetProperty("train_count").GetInt32());          // 5 shots x 5 classes
        Assert.Equal(["even", "odd"], tasks[1].GetProperty("class_names").EnumerateArray().Select(c => c.GetString()));
        // Both tasks share the source's test images; both learn well above chance (20% and 50%) in 30 steps.
        Assert.Equal(tasks[0].GetProperty("test_count").GetInt32(), tasks[1].GetProperty("test_count").GetInt32());
        Assert.True(tasks[0].GetProperty("test_accuracy").GetDouble() > 0.5, r.Stdout);
        Assert.True(tasks[1].GetProperty("test_accuracy").GetDouble() > 0.7, r.Stdout);
        Assert.Contains("parity", r.Stdout);

        // A single task's model predicts with the ordinary commands.
        var ev = CliRunner.Run(dir.Path, "evaluate", "--model", Path.Combine(run, "tasks", "mnist-0-4.pt"), "--data", "mnist:0-4", "--threads", "2");
        Assert.True(ev.ExitCode == 0, ev.Stderr);
        using var image = new TestData.TempFolder();
        var digit = Path.Combine(image.Path, "digit.png");
        Assert.Equal(0, CliRunner.Run(dir.Path, "datasets", "show", "mnist:0-4", "--out", digit).ExitCode);
        var pr = CliRunner.Run(image.Path, "predict", "--model", Path.Combine(run, "tasks", "parity.pt"), "--input", "digit.png", "--threads", "2");
        Assert.True(pr.ExitCode == 0, pr.Stderr);
        Assert.Matches("even|odd", pr.Stdout);
        // The whole multitask checkpoint is not a single model: the error says where the single-task ones are.
        var whole = CliRunner.Run(dir.Path, "evaluate", "--model", Path.Combine(run, "model.pt"), "--data", "mnist:0-4");
        Assert.Equal(2, whole.ExitCode);
        Assert.Contains("tasks/<task>.pt", whole.Stderr);
    }
}
