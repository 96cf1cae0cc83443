using System.Diagnostics;
using System.Text.Json;

namespace TransferSharp.Tests.Cli;

/// <summary>
/// Issue 16's fault test: a training process killed (SIGKILL) at random points, resumed each time, finishes with the
/// metrics of an uninterrupted run and leaves no temporary behind.
/// </summary>
[Collection("Sequential")]
public sealed class ReliabilityFaultTests
{
    private static readonly string[] Train = ["train", "--data", "mnist:0-1", "--model", "lenet", "--epochs", "4", "--threads", "1", "--seed", "3"];

    [Fact]
    public void Runs_killed_at_random_points_and_resumed_end_as_an_uninterrupted_run_with_no_temporaries_left()
    {
        using var dir = new TestData.TempFolder();
        var whole = CliRunner.Run(dir.Path, [.. Train, "--runs", "whole"]);
        Assert.True(whole.ExitCode == 0, whole.Stderr);
        var expected = Summary(Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "whole"))));

        var rng = new Random(16);
        var killedRoot = Path.Combine(dir.Path, "killed");
        int kills = 0;
        // First run, then resumes; each is killed at a random point after its first checkpoint (bounded: 3 kills).
        string? run = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            string[] args = run is null ? [.. Train, "--runs", "killed"] : ["train", "--resume", run];
            if (KillAtRandom(dir.Path, args, killedRoot, rng)) kills++;
            run ??= Directory.GetDirectories(killedRoot).Single();
            if (File.Exists(Path.Combine(run, "metrics.json"))) break;
        }
        Assert.True(kills > 0, "no kill landed before the run finished");
        Assert.NotNull(run);
        while (!File.Exists(Path.Combine(run, "metrics.json")))
        {
            var resumed = CliRunner.Run(dir.Path, "train", "--resume", run);
            Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        }
        Assert.Equal(expected, Summary(run));
        Assert.Empty(Directory.GetFiles(run, "*.tmp"));
        Assert.Empty(Directory.GetFiles(run, ".*"));
    }

    /// <summary>Starts <c>transfer</c>, waits for its first checkpoint, kills it after a random 0–1.5 s; true when killed.</summary>
    private static bool KillAtRandom(string cwd, string[] args, string runs, Random rng)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "transfer.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)
               && !(Directory.Exists(runs) && Directory.GetDirectories(runs).Any(d => File.Exists(Path.Combine(d, "model.json")))))
            Thread.Sleep(20);
        Thread.Sleep(rng.Next(0, 1500));
        if (p.HasExited) return false;
        p.Kill();   // SIGKILL: no finally blocks, no cleanup
        p.WaitForExit();
        return true;
    }

    /// <summary>The final metrics and every epoch's numbers except timings.</summary>
    private static string Summary(string run)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var m = doc.RootElement.GetProperty("metrics");
        var history = doc.RootElement.GetProperty("history").EnumerateArray().Select(h =>
            $"{h.GetProperty("epoch")}:{h.GetProperty("train_loss")}:{h.GetProperty("train_accuracy")}:{h.GetProperty("validation_accuracy")}");
        return $"{m.GetProperty("test_accuracy")} {m.GetProperty("test_loss")} {m.GetProperty("best_epoch")} | {string.Join(" ", history)}";
    }
}
