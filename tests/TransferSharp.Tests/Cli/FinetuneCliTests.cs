using System.Text.Json;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class FinetuneCliTests
{
    // A source checkpoint as transfer train writes it: a cnn for 8x8 optdigits images of digits 0-4.
    private static string SourceCheckpoint(TestData.TempFolder dir)
    {
        Seeding.SeedEverything(0);
        using var model = ModelZoo.Create(new ModelSpec("cnn", [1, 8, 8], 5));
        var path = dir.File("source/model.pt");
        Checkpoint.Save(path, model, new CheckpointInfo { Architecture = "cnn", InputShape = [1, 8, 8], ClassNames = ["0", "1", "2", "3", "4"], Data = "optdigits:0-4" });
        return path;
    }

    [Theory]
    [InlineData("--copy first:99", "cannot copy first:99")]
    [InlineData("--copy stages:conv9", "unknown stage 'conv9'")]
    [InlineData("--conservative l2sp=-1", "alpha must be finite and non-negative")]
    [InlineData("--freeze --finetune", "exclude each other")]
    public void Bad_specs_give_one_line_and_exit_2(string extra, string expected)
    {
        using var dir = new TestData.TempFolder();
        var source = SourceCheckpoint(dir);
        var r = CliRunner.Run(dir.Path, ["finetune", "--source", source, "--target", "optdigits:5-9", .. extra.Split(' ')]);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "runs")));
    }

    [Fact]
    public void Distillation_from_the_headless_imagenet_model_is_refused()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "finetune", "--source", "resnet18-imagenet", "--target", "mnist-m:0-1", "--conservative", "distill=1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has none", Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void PyTorch_sources_load_from_safetensors_and_pickles_need_the_opt_in()
    {
        using var dir = new TestData.TempFolder();
        Seeding.SeedEverything(0);
        using (var model = ModelZoo.Create(new ModelSpec("cnn", [1, 8, 8], 5)))
        {
            TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(model, dir.File("w.pt"));
            TorchSharp.PyBridge.PyBridgeModuleExtensions.save_safetensors(model, dir.File("w.safetensors"));
        }
        var refused = CliRunner.Run(dir.Path, "finetune", "--source", dir.File("w.pt"), "--model", "cnn", "--target", "optdigits:5-9");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--allow-pickle", Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        var r = CliRunner.Run(dir.Path, "finetune", "--source", dir.File("w.safetensors"), "--model", "cnn", "--target", "optdigits:5-9",
            "--shots", "5", "--epochs", "1", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("cnn with PyTorch weights from w.safetensors", r.Stdout);
    }

    [Theory]
    [InlineData("garbage.safetensors", false)]
    [InlineData("cut.pt", true)]
    [InlineData("weights.onnx", false)]
    public void Damaged_or_unsupported_weight_files_give_one_line_naming_the_file_and_exit_2(string file, bool allowPickle)
    {
        using var dir = new TestData.TempFolder();
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(dir.File("garbage.safetensors"), garbage);
        File.WriteAllBytes(dir.File("weights.onnx"), garbage);
        Seeding.SeedEverything(0);
        using (var model = ModelZoo.Create(new ModelSpec("cnn", [1, 8, 8], 5)))
            TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(model, dir.File("full.pt"));
        var bytes = File.ReadAllBytes(dir.File("full.pt"));
        File.WriteAllBytes(dir.File("cut.pt"), bytes[..(bytes.Length / 2)]);
        string[] args = ["finetune", "--source", dir.File(file), "--model", "cnn", "--target", "optdigits:5-9", "--epochs", "1"];
        var r = CliRunner.Run(dir.Path, allowPickle ? [.. args, "--allow-pickle"] : args);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(file, line);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "runs")));
    }

    [Fact]
    public void Copy_none_trains_the_sources_architecture_from_scratch()
    {
        using var dir = new TestData.TempFolder();
        var source = SourceCheckpoint(dir);
        var r = CliRunner.Run(dir.Path, "finetune", "--source", source, "--target", "optdigits:5-9", "--copy", "none",
            "--shots", "10", "--epochs", "2", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("from scratch", r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Empty(metrics.RootElement.GetProperty("variants")[0].GetProperty("copied_stages").EnumerateArray());
        Assert.Equal(["block1", "block2", "block3", "head"], metrics.RootElement.GetProperty("variants")[0].GetProperty("new_stages").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(50, metrics.RootElement.GetProperty("train_count").GetInt32());
        var refused = CliRunner.Run(dir.Path, "finetune", "--source", source, "--target", "optdigits:5-9", "--copy", "none", "--freeze");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--copy none", Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void A_missing_source_is_named()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "finetune", "--source", "nowhere/model.pt", "--target", "optdigits");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nowhere/model.pt", r.Stderr);
    }

    [Fact]
    public void Finetune_writes_a_run_folder_with_the_copied_stages()
    {
        using var dir = new TestData.TempFolder();
        var source = SourceCheckpoint(dir);
        var r = CliRunner.Run(dir.Path, "finetune", "--source", source, "--target", "optdigits:5-9", "--copy", "first:2", "--freeze",
            "--shots", "20", "--epochs", "2", "--threads", "1", "--conservative", "l2sp-beta=0.001,distill=1");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        Assert.StartsWith("finetune-", Path.GetFileName(run));
        foreach (var f in new[] { "metrics.json", "model.pt", "model.json", "old-task.pt", "learning-curve.png", "run.json" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal(["block1", "block2"], metrics.RootElement.GetProperty("variants")[0].GetProperty("copied_stages").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(100, metrics.RootElement.GetProperty("train_count").GetInt32());
        Assert.Contains("test accuracy", r.Stdout);
    }

    [Fact]
    public void Conservative_auto_cross_validates_the_few_shots_and_records_every_setting()
    {
        using var dir = new TestData.TempFolder();
        var source = SourceCheckpoint(dir);
        var r = CliRunner.Run(dir.Path, "finetune", "--source", source, "--target", "optdigits:5-9", "--shots", "4", "--epochs", "2", "--threads", "1",
            "--conservative", "auto");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("4-fold cross-validation on the 20 training examples", r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var choice = metrics.RootElement.GetProperty("conservative_search").GetProperty("choice");
        var scores = choice.GetProperty("scores").EnumerateArray().ToArray();
        Assert.Equal(["fine-tuned", "fine-tuned, copied lr x0.1", "L2-SP a=.01", "L2-SP a=.1", "L2-SP a=.01 + LwF"],
            scores.Select(s => s.GetProperty("candidate").GetProperty("name").GetString()));
        Assert.All(scores, s => Assert.Equal(4, s.GetProperty("fold_accuracies").GetArrayLength()));
        // The final run used the chosen setting.
        var chosen = choice.GetProperty("chosen");
        foreach (var term in new[] { "starting_point_alpha", "starting_point_beta", "distillation_weight" })
            Assert.Equal(chosen.GetProperty("conservative").GetProperty(term).GetDouble(),
                metrics.RootElement.GetProperty("variants")[0].GetProperty("conservative").GetProperty(term).GetDouble());
        Assert.Equal(chosen.GetProperty("copied_learning_rate_scale").GetDouble(),
            JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "run.json"))).RootElement.GetProperty("copied_lr_scale").GetDouble());
    }

    [Theory]
    [InlineData("--shots 1", "too few to cross-validate")]
    [InlineData("--shots 4 --freeze", "nothing to choose")]
    [InlineData("--shots 60", "more than 50 training examples in a class")]
    public void Conservative_auto_says_why_it_did_not_search(string extra, string reason)
    {
        using var dir = new TestData.TempFolder();
        var source = SourceCheckpoint(dir);
        var r = CliRunner.Run(dir.Path, ["finetune", "--source", source, "--target", "optdigits:5-9", "--epochs", "1", "--threads", "1", "--conservative", "auto",
            .. extra.Split(' ')]);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.DoesNotContain("cross-validation", r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var search = metrics.RootElement.GetProperty("conservative_search");
        Assert.Contains(reason, search.GetProperty("summary").GetString());
        Assert.Equal(JsonValueKind.Null, search.GetProperty("choice").ValueKind);
    }
}
