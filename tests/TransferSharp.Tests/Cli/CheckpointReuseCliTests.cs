using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SkiaSharp;
using TransferSharp.Data;

namespace TransferSharp.Tests.Cli;

/// <summary>Checkpoints written by <c>finetune</c> and <c>adapt</c> work with <c>evaluate</c> and <c>predict</c>.</summary>
[Collection("Sequential")]
public sealed partial class CheckpointReuseCliTests
{
    [GeneratedRegex(@"│ accuracy\s+│\s+([0-9.]+) %")]
    private static partial Regex AccuracyRow();

    private static double Accuracy(CliRunner.Outcome r)
    {
        Assert.True(r.ExitCode == 0, r.Stderr);
        var m = AccuracyRow().Match(r.Stdout);
        Assert.True(m.Success, r.Stdout);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 100;
    }

    private static string SingleRun(TestData.TempFolder dir) => Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Single();

    [Fact]
    public void A_model_fine_tuned_from_imagenet_is_evaluated_and_predicted_with_imagenet_preprocessing()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "finetune", "--source", "resnet18-imagenet", "--target", "optdigits:0-1", "--resize", "32",
            "--shots", "40", "--epochs", "3", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = SingleRun(dir);
        var model = Path.Combine(run, "model.pt");
        var sidecar = Path.Combine(run, "model.json");
        using (var json = JsonDocument.Parse(File.ReadAllText(sidecar)))
            Assert.Equal("imagenet-mlnet", json.RootElement.GetProperty("preprocessing").GetString());

        // Grey 32x32 digits, as the user has them: evaluate converts them the way the model was trained.
        double accuracy = Accuracy(CliRunner.Run(dir.Path, "evaluate", "--model", model, "--data", "optdigits:0-1", "--resize", "32", "--threads", "1"));
        Assert.True(accuracy >= 0.9, $"accuracy {accuracy:P1}");

        // predict on PNGs of some digits.
        var truth = new Dictionary<string, string>();
        var images = Directory.CreateDirectory(Path.Combine(dir.Path, "images")).FullName;
        using (var data = Catalog.Load("optdigits:0-1"))
        using (var big = data.Resize(32, 32))
        {
            var labels = big.LabelArray();
            var pixels = big.Inputs.data<float>().ToArray();
            foreach (var i in Enumerable.Range(0, big.Count).Where(i => i % 40 == 0))
            {
                using var bitmap = new SKBitmap(new SKImageInfo(32, 32, SKColorType.Rgba8888, SKAlphaType.Opaque));
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++)
                    {
                        var v = (byte)Math.Round(255 * pixels[i * 1024 + y * 32 + x]);
                        bitmap.SetPixel(x, y, new SKColor(v, v, v));
                    }
                using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                var name = $"digit{i}.png";
                File.WriteAllBytes(Path.Combine(images, name), png.ToArray());
                truth[name] = big.ClassNames[(int)labels[i]];
            }
        }
        var predicted = CliRunner.Run(dir.Path, "predict", "--model", model, "--input", images, "--top", "1", "--threads", "1");
        Assert.True(predicted.ExitCode == 0, predicted.Stderr);
        int right = truth.Count(t => Regex.IsMatch(predicted.Stdout, $@"{Regex.Escape(t.Key)}\s+│\s+{t.Value}\s+│"));
        Assert.True(right >= truth.Count - 1, $"{right} of {truth.Count} right:\n{predicted.Stdout}");

        // The recorded preprocessing is what makes it work: the same weights fed raw images are near chance.
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace("\"imagenet-mlnet\"", "\"none\""));
        double raw = Accuracy(CliRunner.Run(dir.Path, "evaluate", "--model", model, "--data", "optdigits:0-1", "--resize", "32", "--channels", "3", "--threads", "1"));
        Assert.True(raw <= 0.75, $"accuracy without preprocessing {raw:P1}");
    }

    [Fact]
    public void An_adapt_checkpoint_with_the_default_bottleneck_evaluates_on_the_target()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "adapt", "--source", "mnist:0-1", "--target", "mnist-m:0-1", "--epochs", "2", "--steps-per-epoch", "10",
            "--batch-size", "32", "--tsne", "0", "--no-baseline", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var run = SingleRun(dir);
        double heldOut;
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model.json"))))
        {
            Assert.Equal(256, json.RootElement.GetProperty("bottleneck").GetInt32());
            heldOut = json.RootElement.GetProperty("metrics").GetProperty("target_accuracy").GetDouble();
        }
        double accuracy = Accuracy(CliRunner.Run(dir.Path, "evaluate", "--model", Path.Combine(run, "model.pt"), "--data", "mnist-m:0-1", "--threads", "1"));
        // The whole target (mostly the unlabelled training part) scores like the held-out part did inside adapt.
        Assert.True(accuracy >= 0.6, $"accuracy {accuracy:P1}");
        Assert.True(Math.Abs(accuracy - heldOut) <= 0.08, $"evaluate {accuracy:P1}, adapt's held-out target {heldOut:P1}");
    }
}
