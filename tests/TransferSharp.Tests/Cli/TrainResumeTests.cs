using System.Text.Json;
using Spectre.Console.Cli;
using TransferSharp.Cli.Commands;
using TransferSharp.Training;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class TrainResumeTests
{
    private static readonly TrainCommand.RunSettings Run = new("optdigits:0-2", "mlp", 64, null, null, 0.2, 0.1,
        new TrainingOptions { Epochs = 3, Seed = 5, Threads = 2, Optimizer = OptimizerKind.Sgd, LearningRate = 0.01 });

    [Fact]
    public void Given_options_are_what_the_parser_set_by_long_name_alias_or_equals_form()
    {
        var r = InProcess.Run("train", "--resume", "no-such-run", "-m", "cnn", "--lr=0.1", "--seed", "-3", "--stream");
        Assert.Contains("no such run folder", r.ErrorLine);   // parsed: the resume itself failed
        var settings = new SettingsProbe().Parse("train", "--resume", "runs/x", "-m", "cnn", "--lr=0.1", "--seed", "-3", "--stream");
        Assert.True(settings.WasGiven(nameof(settings.Model)));
        Assert.True(settings.WasGiven(nameof(settings.Seed)));
        Assert.Equal(-3, settings.Seed);
        Assert.Equal(0.1, settings.LearningRate);
        Assert.True(settings.Stream);
        Assert.False(settings.WasGiven(nameof(settings.Size)));
        Assert.False(settings.WasGiven(nameof(settings.Threads)));
        Assert.False(settings.WasGiven(nameof(settings.Runs)));
        Assert.Null(settings.BatchSize);
    }

    [Theory]
    [InlineData("-m cnn", "--model cnn differs from the run's mlp")]
    [InlineData("--data mnist", "--data mnist differs from the run's optdigits:0-2")]
    [InlineData("--seed 9", "--seed 9 differs from the run's 5")]
    [InlineData("--optimizer adam", "--optimizer Adam differs from the run's Sgd")]
    [InlineData("--batch-size 64", "--batch-size 64 differs from the run's 32")]
    [InlineData("--resize 28", "--resize 28 differs from the run's (none)")]
    [InlineData("--size 32", "--size 32 differs from the run's 64")]
    [InlineData("--stream", "--stream on differs from the run's off")]
    [InlineData("--momentum 0.5", "--momentum 0.5 differs from the run's 0.9")]
    [InlineData("--runs elsewhere", "--runs does not apply")]
    public void An_option_that_changes_the_run_is_rejected_naming_it(string option, string expected)
    {
        var settings = new SettingsProbe().Parse(["train", "--resume", "runs/x", .. option.Split(' ')]);
        var e = Assert.Throws<ArgumentException>(() => TrainResume.Apply(Run, settings, "runs/x"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("--resume runs/x: ", e.Message);
    }

    [Fact]
    public void Repeating_the_runs_own_values_is_allowed_and_epochs_threads_are_honoured()
    {
        var settings = new SettingsProbe().Parse("train", "--resume", "runs/x", "--data", "optdigits:0-2", "--model", "mlp", "--optimizer", "SGD",
            "--lr", "0.01", "--seed", "5", "--size", "64", "--epochs", "7", "--threads", "1", "--decode-threads", "3");
        var resumed = TrainResume.Apply(Run, settings, "runs/x");
        Assert.Equal(7, resumed.Options.Epochs);
        Assert.Equal(1, resumed.Options.Threads);
        Assert.Equal(3, resumed.DecodeThreads);
        Assert.Equal(Run.Options with { Epochs = 7, Threads = 1 }, resumed.Options);
        Assert.Equal(Run with { Options = resumed.Options, DecodeThreads = 3 }, resumed);

        // The defaults of options not on the command line (--model lenet, --size 64, --threads 0) are not compared or applied.
        var untouched = TrainResume.Apply(Run, new SettingsProbe().Parse("train", "--resume", "runs/x"), "runs/x");
        Assert.Equal(Run, untouched);
    }

    /// <summary>The settings the parser builds for a command line, caught before the command runs.</summary>
    private sealed class SettingsProbe
    {
        public TrainCommand.Settings Parse(params string[] args)
        {
            var tester = new Spectre.Console.Cli.Testing.CommandAppTester();
            TrainCommand.Settings? caught = null;
            tester.Configure(config =>
            {
                TransferSharp.Cli.TransferApp.Configure(config);
                config.SetInterceptor(new Spectre.Console.Cli.Testing.CallbackCommandInterceptor((_, s) =>
                {
                    caught = (TrainCommand.Settings)s;
                    throw new OperationCanceledException("parsed");   // stop before the command runs
                }));
            });
            Assert.Throws<OperationCanceledException>(() => tester.Run(args));
            return caught!;
        }
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
