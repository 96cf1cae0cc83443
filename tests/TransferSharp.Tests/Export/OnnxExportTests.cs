using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp.Modules;
using TransferSharp.DomainAdaptation;
using TransferSharp.Export;
using TransferSharp.Models;
using TransferSharp.Modules;
using TransferSharp.MultiTask;
using TransferSharp.Training;
using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.Export;

/// <summary>
/// Every kind of model the library exports, run by ONNX Runtime on random inputs of batch 1 and batch 5 (one file: the
/// batch dimension is dynamic), agrees with TorchSharp's own forward pass in evaluation mode. Batch norms get random
/// running statistics and affine weights first, so that a wrong epsilon, order or transposition would show.
/// </summary>
[Collection("Sequential")]
public sealed class OnnxExportTests
{
    // Largest |ONNX Runtime - TorchSharp| allowed, relative to the output's scale (1 + max |output|).
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("lenet", 1, 28)]
    [InlineData("mlp", 1, 28)]
    [InlineData("cnn", 3, 32)]
    [InlineData("resnet18", 3, 32)]
    [InlineData("resnet18-mlnet", 3, 32)]
    public void Zoo_model_agrees_with_onnx_runtime(string architecture, int channels, int side)
    {
        Seeding.SeedEverything(1);
        using var model = ModelZoo.Create(new ModelSpec(architecture, [channels, side, side], 7));
        AssertAgrees(model, [channels, side, side], 7);
    }

    [Fact]
    public void Model_with_a_bottleneck_agrees()
    {
        Seeding.SeedEverything(2);
        using var model = BottleneckStage.Create(new ModelSpec("cnn", [3, 32, 32], 5), width: 24);   // Linear, BatchNorm1d, ReLU
        AssertAgrees(model, [3, 32, 32], 5);
    }

    [Fact]
    public void Adaptation_network_exports_its_classifier_features_bottleneck_and_head()
    {
        Seeding.SeedEverything(3);
        using var backbone = ModelZoo.Create(new ModelSpec("lenet", [3, 28, 28], 10));
        using var network = new AdaptationNetwork(backbone, bottleneckWidth: 32);
        AssertAgrees(network, [3, 28, 28], 10);
    }

    [Fact]
    public void Multitask_task_path_agrees()
    {
        Seeding.SeedEverything(4);
        using var model = MultiTaskModel.Create(new MultiTaskSpec("cnn", [1, 28, 28], 2, [new("digits", 5), new("parity", 2)]));
        AssertAgrees(model.TaskPath("parity"), [1, 28, 28], 2);
    }

    [Fact]
    public void Zero_shot_image_network_agrees()
    {
        Seeding.SeedEverything(5);
        // The embedding method's networks: f (images to a 16-dimensional joint space) and g (descriptions to it).
        var image = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 16));
        using var network = new JointEmbedding(image, nn.Linear(12, 16));
        AssertAgrees(network, [1, 28, 28], 16);
    }

    [Fact]
    public void Every_supported_activation_pooling_and_identity_agrees()
    {
        Seeding.SeedEverything(6);
        using var model = nn.Sequential(
            nn.Conv2d(2, 4, 3, padding: 1), nn.LeakyReLU(0.1), new ChannelsLastMaxPool2d(2), nn.Dropout(0.5),
            nn.Conv2d(4, 4, 3, padding: Padding.Same, bias: false), nn.Tanh(), nn.AvgPool2d(2), new GradientReversal(1.0),
            nn.MaxPool2d(3, stride: 1, padding: 1), nn.Sigmoid(), nn.Flatten(), nn.Linear(4 * 3 * 3, 6, hasBias: false),
            nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(1));
        AssertAgrees(model, [2, 12, 12], 3);
    }

    [Fact]
    public void Unsupported_module_fails_naming_it()
    {
        using var model = nn.Sequential(("fc", nn.Linear(4, 4)), ("act", nn.GELU()));
        using var dir = new TestData.TempFolder();
        var path = dir.File("m.onnx");
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.Export(model, [4], path));
        Assert.Contains(".act", e.Message);
        Assert.Contains("GELU", e.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path));   // no half-written file either
    }

    [Fact]
    public void Checkpoint_metadata_records_classes_and_preprocessing()
    {
        Seeding.SeedEverything(7);
        using var model = ModelZoo.Create(new ModelSpec("mlp", [1, 28, 28], 3));
        var info = new CheckpointInfo { Architecture = "mlp", InputShape = [1, 28, 28], ClassNames = ["a", "b", "c"] };
        using var dir = new TestData.TempFolder();
        var path = dir.File("m.onnx");
        OnnxExport.Export(model, info.InputShape, path, OnnxExport.FromCheckpoint(info));
        using var session = new InferenceSession(path);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("mlp", meta["architecture"]);
        Assert.Equal("[\"a\",\"b\",\"c\"]", meta["class_names_json"]);
        Assert.Equal("none", meta["preprocessing"]);
        Assert.Equal("N", session.InputMetadata["input"].SymbolicDimensions[0]);
    }

    /// <summary>Exports <paramref name="model"/> and compares ONNX Runtime's outputs with TorchSharp's for batch 1 and 5.</summary>
    private static void AssertAgrees(Module<Tensor, Tensor> model, long[] inputShape, int outputs)
    {
        RandomiseBatchNorms(model);
        model.eval();
        using var dir = new TestData.TempFolder();
        var path = dir.File("model.onnx");
        OnnxExport.Export(model, inputShape, path);

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        foreach (var batch in new[] { 1, 5 })
        {
            long[] shape = [batch, .. inputShape];
            float[] x;
            float[] expected;
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                var input = randn(shape);
                x = input.data<float>().ToArray();
                expected = model.call(input).data<float>().ToArray();
            }
            var onnxInput = NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x, shape.Select(d => (int)d).ToArray()));
            using var results = session.Run([onnxInput]);
            var actual = results.Single(r => r.Name == "output").AsEnumerable<float>().ToArray();

            Assert.Equal(batch * outputs, expected.Length);
            Assert.Equal(expected.Length, actual.Length);
            double scale = 1 + expected.Max(v => Math.Abs(v));
            double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= Tolerance * scale, $"batch {batch}: largest difference {worst:g3} at output scale {scale:g3}");
            Assert.True(expected.Distinct().Count() > 1, "outputs are constant: the comparison would prove nothing");
        }
    }

    private static void RandomiseBatchNorms(Module<Tensor, Tensor> model)
    {
        using var noGrad = no_grad();
        foreach (var (_, m) in model.named_modules())
            if (m is BatchNorm bn)
            {
                bn.running_mean!.copy_(randn(bn.num_features) * 0.2);
                bn.running_var!.copy_(rand(bn.num_features) + 0.5);
                bn.weight!.copy_(rand(bn.num_features) + 0.5);
                bn.bias!.copy_(randn(bn.num_features) * 0.1);
            }
    }
}
