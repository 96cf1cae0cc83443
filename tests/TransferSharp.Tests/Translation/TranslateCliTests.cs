using System.Text.Json;
using TransferSharp.Tests.Cli;

namespace TransferSharp.Tests.Translation;

[Collection("Sequential")]
public sealed class TranslateCliTests
{
    [Fact]
    public void Translate_train_writes_a_run_folder_and_translate_uses_its_checkpoint()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "translate", "train", "--train", "en-fr,fr-en,en-de,de-en", "--zero-shot", "fr-de", "--max-number", "999",
            "--train-rows", "60", "--validation-rows", "5", "--test-rows", "8", "--epochs", "1", "--model-size", "32", "--layers", "1",
            "--feed-forward", "64", "--no-direct", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("zero-shot", r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        Assert.StartsWith("translate-", Path.GetFileName(run));
        foreach (var f in new[] { "metrics.json", "model.pt", "model.json", "learning-curve.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal("transfersharp.translate/1", root.GetProperty("schema").GetString());
        var systems = root.GetProperty("scores").EnumerateArray().Select(s => (s.GetProperty("direction").GetString(), s.GetProperty("system").GetString())).ToArray();
        Assert.Contains(("fr-de", "zero-shot"), systems);
        Assert.Contains(("fr-de", "bridged"), systems);
        Assert.Contains(("en-fr", "supervised"), systems);
        Assert.DoesNotContain(("fr-de", "direct"), systems);
        Assert.Equal(8, root.GetProperty("rows").GetProperty("test").GetInt32());

        var model = Path.Combine(run, "model.pt");
        var one = CliRunner.Run(dir.Path, "translate", "--model", model, "--to", "de", "quatre-vingt-dix-neuf");
        Assert.True(one.ExitCode == 0, one.Stderr + one.Stdout);
        Assert.Equal(1, one.Stdout.Count(c => c == '\n'));   // one line per sentence (a one-epoch model may answer with an empty one)
        var beam = CliRunner.Run(dir.Path, "translate", "--model", model, "--to", "de", "--beam", "3", "quatre-vingt-dix-neuf");
        Assert.True(beam.ExitCode == 0, beam.Stderr + beam.Stdout);
        Assert.Equal(1, beam.Stdout.Count(c => c == '\n'));
        var bad = CliRunner.Run(dir.Path, "translate", "--model", model, "--to", "ja", "cent");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--to ja: the model knows no language 'ja'", bad.Stderr);
    }

    [Theory]
    [InlineData("--zero-shot fr-de", "--train is required")]
    [InlineData("--train en-fr,fr-en --zero-shot fr-fr", "--zero-shot: 'fr-fr' translates a language into itself")]
    [InlineData("--train en-fr,fr-en,en-sw,sw-en --zero-shot fr-sw", "language 'sw': Humanizer has no number words for it")]
    [InlineData("--train en-fr,fr-en --zero-shot fr-en", "also a training direction")]
    [InlineData("--train en-fr,fr-en --zero-shot en-fr --heads 3", "--heads must be at least 1 and divide the model size 64")]
    [InlineData("--corpus missing.tsv --train en-fr --zero-shot fr-en", "missing.tsv: no such file")]
    public void Bad_input_is_one_line_and_exit_2(string args, string expected)
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, ["translate", "train", .. args.Split(' '), "--threads", "1"]);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "runs")) && Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Length > 0, "no run folder for bad input");
    }
}
