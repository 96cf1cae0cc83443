using System.Text.Json;
using TransferSharp.Tests.Data;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class StreamingCliTests
{
    [Fact]
    public void Train_stream_trains_from_an_image_folder()
    {
        using var dir = new TestData.TempFolder();
        var images = Path.Combine(dir.Path, "images");
        ImageFolderFixtures.Write(images, classes: 3, perClass: 40, side: 16, seed: 2);
        var r = CliRunner.Run(dir.Path, "train", "--data", images, "--stream", "--size", "16", "--model", "cnn", "--epochs", "6",
            "--batch-size", "8", "--decode-threads", "2", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.True(metrics.RootElement.GetProperty("streamed").GetBoolean());
        Assert.Equal(24, metrics.RootElement.GetProperty("split").GetProperty("test").GetInt32()); // 20% of 120
        // Chance is 33%; the class squares are in different quadrants (this run reaches 100%).
        Assert.True(metrics.RootElement.GetProperty("metrics").GetProperty("test_accuracy").GetDouble() > 0.7, r.Stdout);
    }

    [Fact]
    public void Finetune_stream_gives_what_finetune_in_memory_gives()
    {
        using var dir = new TestData.TempFolder();
        var images = Path.Combine(dir.Path, "images");
        ImageFolderFixtures.Write(images, classes: 3, perClass: 30, side: 16, seed: 4);
        var trained = CliRunner.Run(dir.Path, "train", "--data", images, "--size", "16", "--model", "cnn", "--epochs", "2",
            "--batch-size", "8", "--threads", "1", "--runs", "source");
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        var source = Path.Combine(Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "source"))), "model.pt");

        JsonElement Finetune(string runs, params string[] extra)
        {
            var r = CliRunner.Run(dir.Path, ["finetune", "--source", source, "--target", images, "--size", "16", "--epochs", "2",
                "--batch-size", "8", "--threads", "1", "--runs", runs, .. extra]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, runs)));
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
            return doc.RootElement.Clone();
        }
        var inMemory = Finetune("memory");
        var streamed = Finetune("streamed", "--stream", "--decode-threads", "2");
        Assert.True(streamed.GetProperty("streamed").GetBoolean());
        Assert.Equal(inMemory.GetProperty("variants")[0].GetProperty("test_accuracy").GetDouble(),
            streamed.GetProperty("variants")[0].GetProperty("test_accuracy").GetDouble());
        // Everything but the timings is the same epoch by epoch.
        static string[] Learning(JsonElement m) => m.GetProperty("variants")[0].GetProperty("history").EnumerateArray()
            .Select(e => string.Join(" ", e.EnumerateObject().Where(p => !p.Name.Contains("second", StringComparison.OrdinalIgnoreCase)).Select(p => $"{p.Name}={p.Value}")))
            .ToArray();
        Assert.Equal(2, Learning(inMemory).Length);
        Assert.Equal(Learning(inMemory), Learning(streamed));
    }

    [Theory]
    [InlineData("train --data mnist --stream --epochs 1", "--stream reads image folders only")]
    [InlineData("train --data mnist --decode-threads 2", "--decode-threads applies only with --stream")]
    [InlineData("finetune --source resnet18-imagenet --target mnist --stream", "--stream reads image folders only")]
    [InlineData("finetune --source resnet18-imagenet --target . --stream --shots 5", "--shots does not apply with --stream")]
    public void Stream_on_something_else_fails_with_one_line(string args, string expected)
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, args.Split(' '));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
