using System.Text.Json;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class ZeroShotCliTests
{
    [Theory]
    [InlineData("zeroshot --data optdigits --unseen 3", "--method is required")]
    [InlineData("zeroshot --data optdigits --method magic --unseen 3", "--method 'magic' is unknown")]
    [InlineData("zeroshot --data optdigits --method dap", "--unseen is required")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 12", "out of range")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 0-8 --model mlp", "at least two classes must stay seen")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 3 --descriptions nothing.csv", "--descriptions nothing.csv: no such file")]
    [InlineData("zeroshot --data optdigits --method embedding --unseen 3 --loss hinge", "--loss 'hinge' is unknown")]
    [InlineData("zeroshot --data optdigits --method embedding --unseen 3 --margin 0", "margin must be positive")]
    [InlineData("zeroshot --data optdigits --method dap --unseen 3 --calibration 0.5", "--calibration only applies to the generalized evaluation")]
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
    public void Duplicate_or_missing_descriptions_in_a_table_are_rejected()
    {
        using var dir = new TestData.TempFolder();
        var rows = Enumerable.Range(0, 10).Select(k => $"{k},{k % 2},{(k / 2) % 2},{(k / 4) % 2}");   // 0 and 8 collide
        File.WriteAllText(dir.File("clash.csv"), "class,a,b,c\n" + string.Join('\n', rows));
        var r = CliRunner.Run(dir.Path, "zeroshot", "--data", "optdigits", "--method", "dap", "--unseen", "3", "--descriptions", "clash.csv");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'0' = '8'", r.Stderr);
        Assert.Contains("cannot be told apart", r.Stderr);

        File.WriteAllText(dir.File("short.csv"), "class,a\n0,1\n1,0\n");
        r = CliRunner.Run(dir.Path, "zeroshot", "--data", "optdigits", "--method", "conse", "--unseen", "1", "--descriptions", "short.csv");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("short.csv: no description for classes '2', '3'", r.Stderr);
        Assert.False(Directory.Exists(dir.File("runs")));
    }

    [Fact]
    public void Zeroshot_writes_metrics_confusion_matrices_and_model_to_a_run_folder()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "zeroshot", "--method", "embedding", "--data", "optdigits", "--model", "mlp",
            "--unseen", "3,7", "--generalized", "--epochs", "2", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("per class", r.Stdout);
        Assert.Contains("harmonic mean", r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        Assert.StartsWith("zeroshot-", Path.GetFileName(run));
        foreach (var f in new[] { "metrics.json", "model.pt", "learning-curve.png", "confusion-zero-shot.png", "confusion-generalized.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var m = metrics.RootElement.GetProperty("metrics");
        Assert.Equal(0.5, m.GetProperty("chance").GetDouble());
        foreach (var key in new[] { "unseen_accuracy", "generalized_seen_accuracy", "generalized_unseen_accuracy", "generalized_harmonic_mean" })
            Assert.InRange(m.GetProperty(key).GetDouble(), 0, 1);
        Assert.True(m.GetProperty("generalized_seen_accuracy").GetDouble() > 0.5, "seen classes are trained on");
        Assert.Equal(["3", "7"], metrics.RootElement.GetProperty("unseen").EnumerateArray().Select(e => e.GetString()));
    }
}
