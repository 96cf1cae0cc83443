using TransferSharp.Tests.Cli;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

/// <summary>Device names: the CPU always resolves; CUDA fails with one clear sentence where TorchSharp reports none.</summary>
[Collection("Sequential")]
public sealed class DeviceChoiceTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Cpu_resolves_to_the_cpu(string choice) => Assert.Equal(DeviceType.CPU, DeviceChoice.Resolve(choice).type);

    [Fact]
    public void Auto_is_cuda_exactly_when_torchsharp_reports_it() =>
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, DeviceChoice.Resolve("auto").type);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Malformed_names_are_rejected_with_the_forms(string choice)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceChoice.Resolve(choice));
        Assert.Contains($"device '{choice}' is not one of cpu, cuda, cuda:N or auto", e.Message);
    }

    [Fact]
    public void Cuda_without_cuda_is_one_clear_error()
    {
        if (cuda.is_available()) return;   // a GPU machine: nothing to refuse
        var e = Assert.Throws<ArgumentException>(() => DeviceChoice.Resolve("cuda:1"));
        Assert.Contains("CUDA is not available", e.Message);
        Assert.Contains("TorchSharp-cuda-linux", e.Message);
    }

    [Fact]
    public void Cli_device_cuda_is_bad_input_naming_the_option()
    {
        var outcome = InProcess.Run("datasets", "list", "--device", "cuda");
        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("error: --device cuda: ", outcome.ErrorLine);
    }

    [Fact]
    public void Cli_device_cpu_runs() => Assert.Equal(0, InProcess.Run("datasets", "list", "--device", "cpu").ExitCode);
}
