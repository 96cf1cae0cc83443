using System.Text.Json;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class ZeroShotCliTests
{
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
        Assert.Equal("transfersharp.zeroshot/1", metrics.RootElement.GetProperty("schema").GetString());
    }

    [Fact]
    public void An_alias_names_the_method_and_the_trainer_options_reach_the_library()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "zeroshot", "--method", "SJE", "--data", "optdigits", "--model", "mlp", "--unseen", "3,7",
            "--epochs", "1", "--optimizer", "sgd", "--schedule", "constant", "--momentum", "0.5", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal("embedding", root.GetProperty("method").GetString());
        var options = root.GetProperty("options");
        Assert.Equal("sgd", options.GetProperty("optimizer").GetString());
        Assert.Equal("constant", options.GetProperty("schedule").GetString());
        Assert.Equal(0.5, options.GetProperty("momentum").GetDouble());
        // The constant schedule keeps SGD's rate (0.01 when --lr is not given) in every epoch.
        Assert.Equal(0.01, Assert.Single(root.GetProperty("history").EnumerateArray()).GetProperty("learning_rate").GetDouble(), 9);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("metrics").GetProperty("generalized_harmonic_mean").ValueKind);
    }

    [Fact]
    public void Sentence_descriptions_are_embedded_cached_and_recorded_with_the_chosen_gamma()
    {
        using var dir = new TestData.TempFolder();
        var file = Path.Combine(dir.Path, "digits.txt");
        File.WriteAllLines(file, Enumerable.Range(0, 10).Select(d => $"{d}: the handwritten digit {d}"));
        var before = Environment.GetEnvironmentVariable("TRANSFERSHARP_CACHE");
        Environment.SetEnvironmentVariable("TRANSFERSHARP_CACHE", Path.Combine(dir.Path, "cache"));
        try
        {
            var r = CliRunner.Run(dir.Path, "zeroshot", "--method", "eszsl", "--data", "optdigits", "--model", "mlp", "--unseen", "3,7",
                "--descriptions", file, "--generalized", "--epochs", "1", "--threads", "2");
            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            Assert.Equal(10, Directory.GetFiles(Path.Combine(dir.Path, "cache", "text-embeddings"), "*.f32").Length);
            var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
            var root = metrics.RootElement;
            Assert.Equal("sentences", root.GetProperty("description_kind").GetString());
            Assert.Equal("eszsl", root.GetProperty("method").GetString());
            var calibration = root.GetProperty("calibration");
            Assert.Equal("seen-validation", calibration.GetProperty("chosen_on").GetString());
            // The validation split's "unseen" classes are seen ones: never 3 or 7.
            Assert.DoesNotContain(calibration.GetProperty("validation_unseen").EnumerateArray().Select(e => e.GetString()), n => n is "3" or "7");
        }
        finally
        {
            Environment.SetEnvironmentVariable("TRANSFERSHARP_CACHE", before);
        }
    }
}
