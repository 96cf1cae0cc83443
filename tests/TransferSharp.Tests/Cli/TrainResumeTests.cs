using System.Text.Json;
using TransferSharp.Cli.Commands;
using TransferSharp.Training;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class TrainResumeTests
{
    private static readonly TrainCommand.RunSettings Run = new("optdigits:0-2", "mlp", 64, null, null, 0.2, 0.1,
        new TrainingOptions { Epochs = 3, Seed = 5, Threads = 2, Optimizer = OptimizerKind.Sgd, LearningRate = 0.01 });

    [Fact]
    public void Given_options_are_found_by_long_name_alias_and_equals_form()
    {
        var given = TrainResume.GivenOptions(["train", "--resume", "runs/x", "-m", "cnn", "--lr=0.1", "--seed", "-3", "--stream"]);
        Assert.True(given.SetEquals(["--resume", "--model", "--lr", "--seed", "--stream"]), string.Join(" ", given));
        Assert.DoesNotContain("-3", given); // a negative value is not an option
    }

    [Theory]
    [InlineData("--model", "--model cnn differs from the run's mlp")]
    [InlineData("--data", "--data mnist differs from the run's optdigits:0-2")]
    [InlineData("--seed", "--seed 9 differs from the run's 5")]
    [InlineData("--optimizer", "--optimizer Adam differs from the run's Sgd")]
    [InlineData("--batch-size", "--batch-size 64 differs from the run's 32")]
    [InlineData("--resize", "--resize 28 differs from the run's (none)")]
    [InlineData("--stream", "--stream on differs from the run's off")]
    [InlineData("--runs", "--runs does not apply")]
    public void An_option_that_changes_the_run_is_rejected_naming_it(string option, string expected)
    {
        var settings = new TrainCommand.Settings
        {
            Model = "cnn", Data = "mnist", Seed = 9, Optimizer = "adam", BatchSize = 64, Resize = 28, Stream = true, Runs = "elsewhere",
        };
        var e = Assert.Throws<ArgumentException>(() => TrainResume.Apply(Run, settings, new HashSet<string> { "--resume", option }, "runs/x"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("--resume runs/x: ", e.Message);
    }

    [Fact]
    public void Repeating_the_runs_own_values_is_allowed_and_epochs_threads_are_honoured()
    {
        // The defaults of unnamed options (e.g. --model lenet) do not count: only options on the command line are compared.
        var settings = new TrainCommand.Settings
        {
            Data = "optdigits:0-2", Model = "mlp", Optimizer = "SGD", LearningRate = 0.01, Seed = 5, Epochs = 7, Threads = 1, DecodeThreads = 3,
        };
        var given = new HashSet<string> { "--data", "--model", "--optimizer", "--lr", "--seed", "--epochs", "--threads", "--decode-threads" };
        var resumed = TrainResume.Apply(Run, settings, given, "runs/x");
        Assert.Equal(7, resumed.Options.Epochs);
        Assert.Equal(1, resumed.Options.Threads);
        Assert.Equal(3, resumed.DecodeThreads);
        Assert.Equal(Run.Options with { Epochs = 7, Threads = 1 }, resumed.Options);
        Assert.Equal(Run with { Options = resumed.Options, DecodeThreads = 3 }, resumed);

        var untouched = TrainResume.Apply(Run, new TrainCommand.Settings { Model = "lenet", Threads = 4 }, new HashSet<string> { "--resume" }, "runs/x");
        Assert.Equal(Run, untouched);
    }

    [Fact]
    public void Resume_through_the_cli_rejects_a_conflict_and_honours_threads()
    {
        using var dir = new TestData.TempFolder();
        var first = CliRunner.Run(dir.Path, "train", "--data", "optdigits:0-2", "--model", "mlp", "--epochs", "1", "--threads", "2");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        var settingsBefore = File.ReadAllText(Path.Combine(run, "run.json"));

        var conflict = CliRunner.Run(dir.Path, "train", "--resume", run, "--epochs", "2", "-m", "cnn");
        Assert.Equal(2, conflict.ExitCode);
        var line = Assert.Single(conflict.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--model cnn differs from the run's mlp", line);
        Assert.Equal(settingsBefore, File.ReadAllText(Path.Combine(run, "run.json")));  // nothing rewritten

        var again = CliRunner.Run(dir.Path, "train", "--data", "optdigits:0-2", "--model", "mlp", "--epochs", "2", "--threads", "1", "--resume", run);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal(1, metrics.RootElement.GetProperty("threads").GetInt32());
        Assert.Equal([1, 2], metrics.RootElement.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
    }
}
