using System.Text.Json;
using TransferSharp.Models;
using TransferSharp.Tests.Data;
using TransferSharp.Training;

namespace TransferSharp.Tests.Cli;

/// <summary>
/// An image folder without class subfolders is unlabelled data: <c>adapt</c> and <c>selftaught cluster</c> take it as
/// their target; every command that needs labels refuses it in one line, before any run folder exists.
/// </summary>
[Collection("Sequential")]
public sealed class UnlabelledCliTests : IDisposable
{
    private const int PerClass = 20;
    private readonly TestData.TempFolder data = new();

    /// <summary>40 PNGs of two classes (a bright square top-left or top-right), loose in one folder, 16x16.</summary>
    public UnlabelledCliTests() => ImageFolderFixtures.WriteUnlabelled(Folder, classes: 2, perClass: PerClass, side: 16, seed: 3);

    private string Folder => Path.Combine(data.Path, "unlabelled");

    public void Dispose() => data.Dispose();

    [Fact]
    public void Adapt_takes_an_unlabelled_target_and_reports_no_target_accuracy()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "adapt", "--source", "mnist:0-1", "--target", Folder, "--size", "28", "--epochs", "2",
            "--steps-per-epoch", "3", "--batch-size", "16", "--tsne", "10", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("not measured: the target is unlabelled", r.Stdout);
        Assert.DoesNotContain("NaN", r.Stdout);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        foreach (var f in new[] { "metrics.json", "model.pt", "model.json", "tsne-before.png", "tsne-after.png", "curves.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing");

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var root = json.RootElement;
        Assert.False(root.GetProperty("target_labelled").GetBoolean());
        Assert.Contains("target unlabelled", root.GetProperty("target_accuracy_note").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("per_class_target_accuracy").ValueKind);
        var m = root.GetProperty("metrics");
        Assert.False(m.TryGetProperty("target_accuracy", out _));
        Assert.False(m.TryGetProperty("source_only_target_accuracy", out _));
        Assert.InRange(m.GetProperty("source_accuracy").GetDouble(), 0, 1);
        // 40 images split at random, 20 % held out: 32 to train on, 8 for the pictures.
        Assert.Equal(32, root.GetProperty("split").GetProperty("target_train").GetInt32());
        Assert.Equal(8, root.GetProperty("split").GetProperty("target_test").GetInt32());
        foreach (var history in new[] { "history", "source_only_history" })
        {
            Assert.Equal(2, root.GetProperty(history).GetArrayLength());
            foreach (var epoch in root.GetProperty(history).EnumerateArray())
                Assert.Equal(JsonValueKind.Null, epoch.GetProperty("target_accuracy").ValueKind);
        }
        // The checkpoint carries the source's classes.
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model.json")));
        Assert.Equal(["0", "1"], info.RootElement.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Selftaught_cluster_clusters_an_unlabelled_folder_and_colours_its_t_sne_by_cluster()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "selftaught", "cluster", "--source", "optdigits:2-9", "--target", Folder, "--size", "8",
            "--channels", "1", "--clusters", "2", "--epochs", "1", "--restarts", "2", "--pca-components", "5", "--tsne", "20", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("no scores", r.Stdout);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var root = json.RootElement;
        foreach (var result in root.GetProperty("results").EnumerateArray())
            Assert.Equal(JsonValueKind.Null, result.GetProperty("score").ValueKind);
        var assignments = root.GetProperty("assignments");
        Assert.Equal(5, assignments.EnumerateObject().Count());   // raw, 2 x PCA, the codes, the codes after DEC
        foreach (var a in assignments.EnumerateObject())
            Assert.Equal(2 * PerClass, a.Value.GetArrayLength());
        // The two kinds of picture separate in pixel space; the files are read class by class (ordinal names), so raw
        // k-means should put the first 20 in one cluster and the last 20 in the other (up to naming the clusters).
        var raw = assignments.GetProperty("raw").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        int agree = Enumerable.Range(0, raw.Length).Count(i => raw[i] == (i < PerClass ? raw[0] : 1 - raw[0]));
        Assert.True(Math.Max(agree, raw.Length - agree) >= 36, $"raw k-means agrees with the classes on {agree} of {raw.Length}");
        Assert.Equal(["tsne-autoencoder-dec.png", "tsne-autoencoder.png", "tsne-pca-5-source.png", "tsne-pca-5-target.png", "tsne-raw.png"],
            Directory.GetFiles(run, "tsne-*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("train --data FOLDER --model mlp --epochs 1", "no labels")]
    [InlineData("train --data FOLDER --model mlp --epochs 1 --stream", "no labels")]
    [InlineData("finetune --source MODEL --target FOLDER --size 8 --epochs 1", "no labels")]
    [InlineData("evaluate --model MODEL --data FOLDER --size 8", "no labels")]
    [InlineData("multitask --task FOLDER --task mnist:0-1 --epochs 1", "no labels")]
    [InlineData("zeroshot --data FOLDER --method dap --unseen 1", "no labels")]
    [InlineData("selftaught learn --source optdigits --target FOLDER --size 8 --channels 1", "no labels")]
    [InlineData("experiment transferability --data FOLDER", "no labels")]
    [InlineData("adapt --source mnist:0-1 --target FOLDER --method target-only", "no labels")]
    [InlineData("adapt --source FOLDER --target mnist:0-1", "no labels")]
    public void Commands_that_need_labels_refuse_an_unlabelled_folder_in_one_line(string args, string expected)
    {
        using var dir = new TestData.TempFolder();
        string model = Path.Combine(data.Path, "model.pt");
        if (args.Contains("MODEL"))
        {
            using var m = ModelZoo.Create(new ModelSpec("mlp", [3, 8, 8], 2));
            Checkpoint.Save(model, m, new CheckpointInfo { Architecture = "mlp", InputShape = [3, 8, 8], ClassNames = ["a", "b"] });
        }
        var r = CliRunner.Run(dir.Path, args.Replace("FOLDER", Folder).Replace("MODEL", model).Split(' '));
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, r.Stderr);
        Assert.Contains(expected, lines[0]);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
