using System.Text.Json;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class AdaptCliTests
{
    [Theory]
    [InlineData("adapt --source mnist --target mnist-m --method gan", "--method 'gan' is unknown")]
    [InlineData("adapt --target mnist-m", "--source is required")]
    [InlineData("adapt --source mnist --target nowhere-data", "nowhere-data")]
    [InlineData("adapt --source mnist --target mnist-m --method cdan --max-lambda -1", "--max-lambda must be non-negative")]
    [InlineData("adapt --source mnist --target mnist-m --max-lambda 1", "--max-lambda applies to --method dann, cdan, mmd, coral, mcc, not to --method adabn")]
    [InlineData("adapt --source mnist --target mnist-m --method shot-im --discriminator-width 32", "--discriminator-width applies to --method dann, cdan, not to --method shot-im")]
    [InlineData("adapt --source mnist --target mnist-m --method cdan --aligned-source-phase", "--aligned-source-phase applies to --method shot-im, shot")]
    [InlineData("adapt --source mnist --target mnist-m --batch-size 1", "--batch-size must be at least 2")]
    [InlineData("adapt --source mnist --target mnist-m --method coral --warmup 1", "--warmup must be in [0, 1)")]
    [InlineData("adapt --source mnist --target mnist-m --tsne 100000", "--tsne must be at most 3000")]
    [InlineData("adapt --source mnist:0-4 --target mnist-m", "different classes")]
    [InlineData("adapt --source mnist --target mnist-m --tsne 2", "--tsne must be 0")]
    [InlineData("adapt --source mnist --target mnist-m --select best", "--select 'best' is unknown")]
    [InlineData("adapt --source mnist --target mnist-m --select snd --validator-examples 0", "needs target examples to score")]
    public void Bad_input_prints_one_line_naming_the_problem_and_exits_2(string args, string expected)
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
    public void A_short_run_leaves_metrics_checkpoint_and_pictures()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "adapt", "--source", "mnist:0-2", "--target", "optdigits:0-2", "--epochs", "2",
            "--steps-per-epoch", "3", "--batch-size", "16", "--tsne", "20", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("target accuracy", r.Stdout);
        Assert.Contains("source-only target accuracy", r.Stdout);   // the default (AdaBN) is compared with source only too
        Assert.Contains("label-free check", r.Stdout);
        Assert.Contains("resized from 8x8 to 28x28", r.Stdout);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        foreach (var f in new[] { "metrics.json", "model.pt", "model.json", "tsne-before.png", "tsne-after.png", "curves.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var m = json.RootElement.GetProperty("metrics");
        Assert.InRange(m.GetProperty("target_accuracy").GetDouble(), 0, 1);
        Assert.True(m.TryGetProperty("source_only_target_accuracy", out _));
        Assert.Equal(JsonValueKind.Number, m.GetProperty("information_maximisation_gain").ValueKind);
        Assert.Equal(2, json.RootElement.GetProperty("history").GetArrayLength());
        Assert.Equal(2, json.RootElement.GetProperty("selected_epoch").GetInt32());
        foreach (var h in json.RootElement.GetProperty("history").EnumerateArray())
            foreach (var k in new[] { "target_entropy", "information_maximisation", "snd", "dev_risk" })
                Assert.True(h.GetProperty(k).ValueKind == JsonValueKind.Number, $"history {k}: {h.GetProperty(k)}");
        Assert.Equal("transfersharp.adapt/1", json.RootElement.GetProperty("schema").GetString());
        Assert.Equal("adabn", json.RootElement.GetProperty("method").GetString());
        Assert.Equal("adabn", json.RootElement.GetProperty("options").GetProperty("method").GetProperty("name").GetString());
    }

    [Fact]
    public void Cdan_takes_its_discriminator_options_from_the_command_line()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "adapt", "--source", "mnist:0-2", "--target", "optdigits:0-2", "--method", "cdan", "--epochs", "1",
            "--steps-per-epoch", "3", "--batch-size", "16", "--tsne", "0", "--threads", "1", "--discriminator-width", "32", "--max-lambda", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("domain classifier accuracy", r.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single(), "metrics.json")));
        var method = json.RootElement.GetProperty("options").GetProperty("method");
        Assert.Equal("cdan", method.GetProperty("name").GetString());
        Assert.Equal(32, method.GetProperty("discriminator_width").GetInt32());
        Assert.Equal(1, method.GetProperty("reversal_coefficient").GetDouble());
    }

    [Fact]
    public void The_method_help_lists_every_registered_method()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "adapt", "--help");
        var help = string.Join(" ", r.Stdout.Split((char[])[' ', '\n', '\r', '│'], StringSplitOptions.RemoveEmptyEntries));
        foreach (var m in TransferSharp.DomainAdaptation.AdaptationMethods.All)
            Assert.Contains($"{m.Name}:", help);
    }

    [Fact]
    public void Mcd_runs_from_the_command_line()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "adapt", "--source", "mnist:0-1", "--target", "mnist-m:0-1", "--method", "mcd", "--epochs", "1",
            "--steps-per-epoch", "2", "--batch-size", "16", "--tsne", "0", "--no-baseline", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal("mcd", json.RootElement.GetProperty("method").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("options").GetProperty("method").GetProperty("generator_steps").GetInt32());
    }

    [Fact]
    public void Without_a_bottleneck_the_checkpoint_is_a_plain_model_that_evaluate_loads()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "adapt", "--source", "mnist:0-1", "--target", "mnist-m:0-1", "--epochs", "1", "--steps-per-epoch", "2",
            "--batch-size", "16", "--tsne", "0", "--no-baseline", "--bottleneck", "0", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        var e = CliRunner.Run(dir.Path, "evaluate", "--model", Path.Combine(run, "model.pt"), "--data", "mnist-m:0-1", "--threads", "1");
        Assert.True(e.ExitCode == 0, e.Stderr);
    }

    [Fact]
    public void Channels_converts_both_domains()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "adapt", "--source", "mnist:0-1", "--target", "mnist-m:0-1", "--channels", "1", "--epochs", "1",
            "--steps-per-epoch", "2", "--batch-size", "16", "--tsne", "0", "--no-baseline", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model.json")));
        Assert.Equal(1, info.RootElement.GetProperty("input_shape")[0].GetInt32());   // MNIST-M is RGB: converted to grey
    }
}
