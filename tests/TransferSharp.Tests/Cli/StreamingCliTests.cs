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

    [Theory]
    [InlineData("train --data mnist --stream --epochs 1", "--stream reads image folders only")]
    [InlineData("train --data mnist --decode-threads 2", "--decode-threads applies only with --stream")]
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
