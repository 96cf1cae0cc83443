using System.Text.Json;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class SelfTaughtCliTests
{
    [Theory]
    [InlineData("selftaught learn --target mnist", "--source is required")]
    [InlineData("selftaught learn --source mnist --target optdigits", "to one shape")]
    [InlineData("selftaught learn --source mnist --target mnist --autoencoder rbm", "--autoencoder 'rbm' is unknown")]
    [InlineData("selftaught learn --source mnist --target mnist --shots 0,5", "--shots must be at least 1, got 0")]
    [InlineData("selftaught learn --source mnist --target mnist:0-1 --shots 5000", "--shots 5000")]
    [InlineData("selftaught learn --source mnist --target mnist --autoencoder conv --resize 30", "divisible by 4")]
    [InlineData("selftaught cluster --source mnist --target nothing-here", "nothing-here")]
    [InlineData("selftaught cluster --source mnist --target mnist --refine kmeans", "--refine 'kmeans' is unknown (choose dec, none)")]
    [InlineData("selftaught cluster --source mnist --target mnist --sparsity-target 2", "--sparsity-target must be in (0, 1), got 2")]
    // Library errors of nested options name the option that set the field (Autoencoder.WeightDecay is --weight-decay).
    [InlineData("selftaught learn --source mnist --target mnist --lr -1", "--lr must be positive, got -1")]
    [InlineData("selftaught learn --source mnist --target mnist --weight-decay -1", "--weight-decay must be non-negative, got -1")]
    [InlineData("selftaught learn --source mnist --target mnist --classifier-weight-decay -1", "--classifier-weight-decay: classifier weight decay must be non-negative")]
    [InlineData("selftaught learn --source mnist --target mnist --conv-channels 16,0", "--conv-channels must be one or more positive counts")]
    [InlineData("selftaught cluster --source mnist --target mnist --restarts 0", "--restarts must be at least 1, got 0")]
    [InlineData("selftaught cluster --source mnist --target mnist --pca-components 0", "--pca-components must be at least 1, got 0")]
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
    public void Learn_writes_metrics_and_a_reconstruction_grid()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "selftaught", "learn", "--source", "optdigits:5-9", "--target", "optdigits:0-1", "--shots", "2,10",
            "--epochs", "3", "--hidden", "32", "--classifier-steps", "50", "--pca-components", "10", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("autoencoder (32)", r.Stdout);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        Assert.True(File.Exists(Path.Combine(run, "reconstructions.png")));
        Assert.True(File.Exists(Path.Combine(run, "autoencoder.pt")));
        foreach (var picture in new[] { "tsne-raw.png", "tsne-pca-10.png", "tsne-autoencoder.png" })
            Assert.True(File.Exists(Path.Combine(run, picture)), picture);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var results = json.RootElement.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        // 0 against 1 with 10 labels per class: every feature map is far above the 50 % of chance.
        foreach (var features in new[] { "raw", "pca-10", "autoencoder" })
            Assert.True(results[1].GetProperty("test_accuracy").GetProperty(features).GetDouble() > 0.9, features);
    }

    [Fact]
    public void Cluster_scores_every_feature_map()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "selftaught", "cluster", "--source", "optdigits:2-9", "--target", "optdigits:0-1",
            "--autoencoder", "conv", "--epochs", "2", "--restarts", "2", "--pca-components", "10", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var results = json.RootElement.GetProperty("results");
        Assert.Equal(5, results.GetArrayLength());
        Assert.Equal("autoencoder + DEC", results[4].GetProperty("features").GetString());
        // Zeros and ones separate in pixel space: raw k-means must find them.
        Assert.True(results[0].GetProperty("score").GetProperty("accuracy").GetDouble() > 0.9);
        Assert.Equal(["tsne-autoencoder-dec.png", "tsne-autoencoder.png", "tsne-pca-10-source.png", "tsne-pca-10-target.png", "tsne-raw.png"],
            Directory.GetFiles(run, "tsne-*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_unlabelled_target_gets_its_t_sne_coloured_by_cluster()
    {
        using var dir = new TestData.TempFolder();
        using var blobs = TestData.Blobs(10, 3, 4, seed: 1);
        using var unlabelled = blobs.WithoutLabels();
        var clusters = blobs.LabelArray();                      // stands in for k-means' assignments
        TransferSharp.Reporting.SelfTaughtFigures.FeatureMaps(dir.Path, [TransferSharp.SelfTaught.FeatureMap.Raw()], unlabelled, 20, 0, [clusters]);
        Assert.True(File.Exists(Path.Combine(dir.Path, "tsne-raw.png")));
        // Without assignments there is nothing to colour an unlabelled target by: no picture, no error.
        using var none = new TestData.TempFolder();
        TransferSharp.Reporting.SelfTaughtFigures.FeatureMaps(none.Path, [TransferSharp.SelfTaught.FeatureMap.Raw()], unlabelled, 20, 0);
        Assert.Empty(Directory.GetFiles(none.Path));
    }
}
