using System.Text.Json;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class CliTests
{
    [Theory]
    [InlineData("train --data mnist --model vgg", "--model 'vgg' is unknown")]
    [InlineData("evaluate --model missing.pt --data mnist", "missing.pt")]
    public void Bad_input_prints_one_line_naming_the_problem_and_exits_2(string args, string expected)
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, args.Split(' '));
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Datasets_show_writes_a_grid_with_one_row_per_class()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "datasets", "show", "mnist-m", "--out", "grid.png", "--per-class", "4");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var png = SkiaSharp.SKBitmap.Decode(Path.Combine(dir.Path, "grid.png"));
        // ImageGrid's documented layout: margins 10, gaps 4, label column 110, cells 28x28 at scale 3.
        Assert.Equal(2 * 10 + 110 + 4 * 84 + 3 * 4, png.Width);
        Assert.Equal(2 * 10 + 10 * 84 + 9 * 4, png.Height);
    }

    [Fact]
    public void Resume_continues_a_run_in_its_own_folder()
    {
        using var dir = new TestData.TempFolder();
        Assert.Equal(0, CliRunner.Run(dir.Path, "train", "--data", "optdigits:0-2", "--model", "mlp", "--epochs", "1", "--threads", "2").ExitCode);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        var again = CliRunner.Run(dir.Path, "train", "--resume", run, "--epochs", "3", "--threads", "2");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal([1, 2, 3], metrics.RootElement.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
        var done = CliRunner.Run(dir.Path, "train", "--resume", run);
        Assert.Equal(2, done.ExitCode);
        Assert.Contains("already finished 3 epochs", done.Stderr);
    }

    [Fact]
    public async Task Ctrl_C_stops_training_at_the_next_step_and_exits_130()
    {
        using var dir = new TestData.TempFolder();
        // A runner started in the background (nohup, `cmd &`) hands its children SIGINT ignored, and .NET keeps an ignored
        // SIGINT ignored, as a shell does; coreutils' env restores the default so the child hears Ctrl+C as in a terminal.
        var psi = new System.Diagnostics.ProcessStartInfo("env") { WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "transfer.dll"), "train", "--data", "optdigits", "--model", "mlp", "--epochs", "20000", "--threads", "1" })
            psi.ArgumentList.Add(a);
        psi.Environment["COLUMNS"] = "200";
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        // Wait until training has started (the run folder line), then send SIGINT as Ctrl+C in a terminal would.
        while (p.StandardOutput.ReadLine() is { } line)
        {
            stdout.AppendLine(line);
            if (line.Contains("run folder")) break;
        }
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        var rest = p.StandardOutput.ReadToEndAsync();   // not a blocking read: a child that ignores the signal must not hang the test
        bool stopped = p.WaitForExit(TimeSpan.FromMinutes(2));
        if (!stopped) p.Kill(entireProcessTree: true);
        Assert.True(stopped, "did not stop after Ctrl+C");
        stdout.Append(await rest);
        var error = await stderr;
        Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}: {error}");
        Assert.Contains("interrupted", stdout.ToString());
    }

    [Fact]
    public void Datasets_list_names_every_built_in()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "datasets", "list");
        Assert.Equal(0, r.ExitCode);
        foreach (var name in new[] { "mnist", "fashion-mnist", "fashion-mnist-full", "optdigits", "mnist-m", "mnist-inverted", "synth-digits" }) Assert.Contains(name, r.Stdout);
    }

    [Fact]
    public void Train_writes_a_run_folder_that_evaluate_and_predict_can_use()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "train", "--data", "optdigits", "--model", "cnn", "--epochs", "3", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        Assert.StartsWith("train-", Path.GetFileName(run));
        foreach (var f in new[] { "metrics.json", "model.pt", "model.json", "learning-curve.png", "run.json" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        double acc = metrics.RootElement.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
        Assert.True(acc > 0.8, $"held-out accuracy {acc}");   // chance is 0.1
        Assert.Empty(Directory.GetFiles(run, "*.tmp"));

        var eval = CliRunner.Run(dir.Path, "evaluate", "--model", Path.Combine(run, "model.pt"), "--data", "optdigits");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains("accuracy", eval.Stdout);

        // Predict on two PNGs drawn here: a bright "1"-like bar and a blank image (values don't matter, the pipeline does).
        var images = Directory.CreateDirectory(Path.Combine(dir.Path, "images")).FullName;
        foreach (var (name, bar) in new[] { ("bar.png", true), ("blank.png", false) })
        {
            using var bmp = new SkiaSharp.SKBitmap(32, 32);
            bmp.Erase(SkiaSharp.SKColors.Black);
            if (bar) for (int y = 4; y < 28; y++) for (int x = 14; x < 18; x++) bmp.SetPixel(x, y, SkiaSharp.SKColors.White);
            using var png = bmp.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(images, name), png.ToArray());
        }
        var predict = CliRunner.Run(dir.Path, "predict", "--model", Path.Combine(run, "model.pt"), "--input", images);
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        Assert.Contains("bar.png", predict.Stdout);
        Assert.Contains("blank.png", predict.Stdout);

        var mismatch = CliRunner.Run(dir.Path, "evaluate", "--model", Path.Combine(run, "model.pt"), "--data", "mnist");
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("model takes 1x8x8", mismatch.Stderr);
    }
}
