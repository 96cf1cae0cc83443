using System.Text.Json;
using TransferSharp.Models;
using TransferSharp.Tests.Cli;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

/// <summary>
/// <see cref="TrainerOptions.Device"/>: auto by default, checked by Validate like every field; checkpoints written from
/// a model load into a model wherever it is; the CLI passes --device through and records the device in metrics.json.
/// </summary>
[Collection("Sequential")]
public sealed class DeviceOptionsTests
{
    [Fact]
    public void The_device_is_auto_by_default_and_resolves_as_DeviceChoice_does()
    {
        var options = new TrainingOptions();
        Assert.Equal("auto", options.Device);
        Assert.Equal(DeviceChoice.Resolve("auto").type, options.ResolveDevice().type);
        Assert.Equal(DeviceType.CPU, (options with { Device = "cpu" }).ResolveDevice().type);
        Assert.Equal("cpu", DeviceChoice.Name(CPU));
        Assert.Equal("cuda:1", DeviceChoice.Name(new Device(DeviceType.CUDA, 1)));
    }

    [Theory]
    [InlineData("gpu", "is not one of cpu, cuda, cuda:N or auto")]
    [InlineData("cuda:x", "is not one of cpu, cuda, cuda:N or auto")]
    public void A_bad_device_is_an_option_error_naming_the_field(string device, string message)
    {
        var e = Assert.Single(new TrainingOptions { Device = device }.Validate());
        Assert.Equal("Device", e.Field);
        Assert.Contains(message, e.Message);
        Assert.Throws<InvalidOptionsException>(() => new SupervisedTrainer(new TrainingOptions { Device = device }));
    }

    [Fact]
    public void Cuda_without_cuda_is_refused_by_every_trainer()
    {
        if (cuda.is_available()) return;   // a GPU machine: nothing to refuse
        var e = Assert.Single(new TransferSharp.DomainAdaptation.AdaptationOptions { Device = "cuda" }.Validate());
        Assert.Contains("CUDA is not available", e.Message);
        Assert.Throws<InvalidOptionsException>(() => new TransferSharp.MultiTask.MultiTaskTrainer(new TransferSharp.MultiTask.MultiTaskOptions { Device = "cuda" }));
    }

    [Fact]
    public void A_run_record_without_a_device_reads_as_auto()
    {
        // run.json and checkpoint sidecars written before there was a device choice.
        var options = JsonSerializer.Deserialize<TrainingOptions>("""{"epochs": 3}""", Checkpoint.Json)!;
        Assert.Equal("auto", options.Device);
        Assert.Equal(3, options.Epochs);
    }

    [Fact]
    public void A_checkpoint_round_trips_through_the_cpu_into_a_fresh_model()
    {
        using var dir = new TestData.TempFolder();
        var path = Path.Combine(dir.Path, "model.pt");
        var spec = new ModelSpec("cnn", [1, 8, 8], 3);
        using var model = ModelZoo.Create(spec);
        Checkpoint.Save(path, model, new CheckpointInfo
        {
            Architecture = spec.Architecture, InputShape = spec.InputShape, ClassNames = ["a", "b", "c"], Data = "test",
        });
        var (loaded, _) = Checkpoint.Load(path, "cpu");
        using (loaded)
        {
            Assert.Equal(DeviceType.CPU, Devices.Of(loaded).type);
            AssertSameWeights(model, loaded);
        }
        using var fresh = ModelZoo.Create(spec);
        Checkpoint.LoadWeights(fresh, path);
        AssertSameWeights(model, fresh);
    }

    [Fact]
    public void Train_takes_the_device_and_records_it()
    {
        using var dir = new TestData.TempFolder();
        var runs = Path.Combine(dir.Path, "runs");
        var r = InProcess.Run("train", "--data", "optdigits:0-2", "--model", "mlp", "--epochs", "1", "--threads", "1", "--device", "cpu", "--runs", runs);
        Assert.True(r.ExitCode == 0, r.Error);
        var run = Assert.Single(Directory.GetDirectories(runs));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal("cpu", metrics.RootElement.GetProperty("device").GetString());
        // A resumed run may go on elsewhere: --device is honoured, not a conflict.
        var resumed = InProcess.Run("train", "--resume", run, "--epochs", "2", "--device", "auto");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
    }

    private static void AssertSameWeights(Module a, Module b)
    {
        var theirs = b.state_dict();
        foreach (var (name, t) in a.state_dict()) Assert.True(t.eq(theirs[name]).all().item<bool>(), name);
    }
}
