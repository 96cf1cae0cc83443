using System.Text.Json;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class TransferabilityCliTests
{
    [Fact]
    public void A_tiny_run_writes_the_plot_and_every_network()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "experiment", "transferability", "--data", "optdigits", "--model", "mlp", "--seeds", "0",
            "--epochs", "1", "--train-per-class", "30", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        Assert.True(File.Exists(Path.Combine(run, "transferability.png")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var result = Assert.Single(metrics.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal(2 + 2 * 4, result.GetProperty("runs").GetArrayLength());   // bases, then 4 conditions for n = 1, 2
        Assert.Contains("AnB+", r.Stdout);
        Assert.Equal("transfersharp.transferability/1", metrics.RootElement.GetProperty("schema").GetString());
        // Every network's mean over the seeds: the bases, then 4 conditions for n = 1, 2; one seed, so each mean is its run.
        var summaries = result.GetProperty("summaries").EnumerateArray().ToArray();
        Assert.Equal(2 + 2 * 4, summaries.Length);
        foreach (var (summary, one) in summaries.Zip(result.GetProperty("runs").EnumerateArray()))
        {
            Assert.Equal(one.GetProperty("network").GetString(), summary.GetProperty("network").GetString());
            Assert.Equal(one.GetProperty("accuracy").GetDouble(), summary.GetProperty("mean").GetDouble());
        }
    }
}
