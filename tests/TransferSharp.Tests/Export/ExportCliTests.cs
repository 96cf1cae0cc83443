using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TransferSharp.Models;
using TransferSharp.Tests.Cli;
using TransferSharp.Training;

namespace TransferSharp.Tests.Export;

/// <summary><c>transfer export</c>: a checkpoint becomes an ONNX file whose logits are the checkpoint's.</summary>
[Collection("Sequential")]
public sealed class ExportCliTests
{
    [Fact]
    public void Export_writes_an_onnx_file_that_gives_the_checkpoints_logits()
    {
        Seeding.SeedEverything(11);
        using var dir = new TestData.TempFolder();
        var checkpoint = dir.File("model.pt");
        using var model = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 4));
        Checkpoint.Save(checkpoint, model, new CheckpointInfo { Architecture = "lenet", InputShape = [1, 28, 28], ClassNames = ["a", "b", "c", "d"] });

        var outcome = InProcess.Run("export", "--model", checkpoint, "--out", dir.File("lenet.onnx"));
        Assert.True(outcome.ExitCode == 0, outcome.Error);

        model.eval();
        float[] x, expected;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var input = rand(3, 1, 28, 28);
            x = input.data<float>().ToArray();
            expected = model.call(input).data<float>().ToArray();
        }
        using var session = new InferenceSession(dir.File("lenet.onnx"));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x, [3, 1, 28, 28]))]);
        var actual = results.Single().AsEnumerable<float>().ToArray();
        Assert.Equal(12, actual.Length);
        Assert.True(expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5);
        Assert.Equal("[\"a\",\"b\",\"c\",\"d\"]", session.ModelMetadata.CustomMetadataMap["class_names_json"]);
    }

    [Fact]
    public void Export_to_a_file_that_is_not_onnx_is_bad_input()
    {
        var outcome = InProcess.Run("export", "--model", "model.pt", "--out", "model.txt");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("--out model.txt: must be a .onnx file", outcome.ErrorLine);
    }

    [Fact]
    public void Export_of_a_missing_checkpoint_is_bad_input()
    {
        using var dir = new TestData.TempFolder();
        var outcome = InProcess.Run("export", "--model", dir.File("none.pt"));
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("none", outcome.ErrorLine);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
