using System.Text.Json.Nodes;
using SkiaSharp;
using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

/// <summary>Checkpoints of every family load back through <see cref="Checkpoint.Load(string)"/> and are fed what they were trained on.</summary>
[Collection("Sequential")]
public sealed class CheckpointCompatibilityTests
{
    // Moves the batch norms' running statistics away from their initial values, so a load that missed buffers shows.
    private static void MoveBatchNormStatistics(Module<Tensor, Tensor> model, long[] shape)
    {
        model.train();
        using (no_grad())
        using (NewDisposeScope())
            model.call(randn([8, .. shape]) * 2 + 0.5);
        model.eval();
    }

    private static float[] Logits(Module<Tensor, Tensor> model, Tensor x)
    {
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return model.call(x).data<float>().ToArray();
    }

    [Fact]
    public void Resnet18_mlnet_with_three_layer4_blocks_round_trips_with_its_preprocessing()
    {
        Seeding.SetThreads(1);
        Seeding.SeedEverything(1);
        using var dir = new TestData.TempFolder();
        using var model = ModelZoo.Create(new ModelSpec(ImageNetResNet18.Architecture, [3, 32, 32], 4));
        MoveBatchNormStatistics(model, [3, 32, 32]);
        using var x = randn(2, 3, 32, 32);
        var before = Logits(model, x);
        Checkpoint.Save(dir.File("m.pt"), model, new CheckpointInfo
        {
            Architecture = ImageNetResNet18.Architecture, InputShape = [3, 32, 32], ClassNames = ["a", "b", "c", "d"],
            Preprocessing = InputPreprocessing.ImageNetMlNet,
        });

        var (loaded, info) = Checkpoint.Load(dir.File("m.pt"));
        using var _ = loaded;
        Assert.Equal(InputPreprocessing.ImageNetMlNet, info.Preprocessing);
        Assert.Contains(loaded.named_parameters(), p => p.name == "layer4.2.conv2.weight");
        Assert.Equal(before, Logits(loaded, x));
    }

    [Fact]
    public void Old_sidecars_mean_no_preprocessing_and_unknown_names_are_refused()
    {
        using var dir = new TestData.TempFolder();
        Seeding.SeedEverything(2);
        using var model = ModelZoo.Create(new ModelSpec("mlp", [4], 2));
        var path = dir.File("m.pt");
        Checkpoint.Save(path, model, new CheckpointInfo { Architecture = "mlp", InputShape = [4], ClassNames = ["a", "b"] });
        var json = JsonNode.Parse(File.ReadAllText(Checkpoint.SidecarPath(path)))!.AsObject();
        Assert.True(json.Remove("preprocessing") && json.Remove("bottleneck"));
        File.WriteAllText(Checkpoint.SidecarPath(path), json.ToJsonString());
        var info = Checkpoint.ReadInfo(path);
        Assert.Equal(InputPreprocessing.None, info.Preprocessing);
        Assert.Equal(0, info.Bottleneck);

        json["preprocessing"] = "zca";
        File.WriteAllText(Checkpoint.SidecarPath(path), json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(path));
        Assert.Contains("m.json", e.Message);
        Assert.Contains("preprocessing 'zca' is unknown", e.Message);
    }

    [Fact]
    public void An_adaptation_network_with_a_bottleneck_saves_as_a_model_Checkpoint_Load_rebuilds()
    {
        Seeding.SetThreads(1);
        Seeding.SeedEverything(3);
        using var dir = new TestData.TempFolder();
        var backbone = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 3));
        using var network = new AdaptationNetwork(backbone, bottleneckWidth: 16);
        MoveBatchNormStatistics(network, [1, 28, 28]);
        using var x = rand(5, 1, 28, 28);
        var logits = Logits(network, x);

        var classifier = network.Classifier;
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", BottleneckStage.Name, "head"], classifier.StageNames);
        Assert.Equal(logits, Logits(classifier, x));
        // Training the network trains exactly the classifier's parameters.
        Assert.Equal(classifier.parameters().Select(p => p.Handle).Order(), network.parameters().Select(p => p.Handle).Order());

        Checkpoint.Save(dir.File("a.pt"), classifier, new CheckpointInfo
        {
            Architecture = "lenet", InputShape = [1, 28, 28], ClassNames = ["0", "1", "2"], Bottleneck = network.BottleneckWidth,
        });
        var (loaded, info) = Checkpoint.Load(dir.File("a.pt"));
        using var _ = loaded;
        Assert.Equal(16, info.Bottleneck);
        Assert.Equal(logits, Logits(loaded, x));
        using (no_grad())
            Assert.Equal(16, loaded.Features(x).shape[1]);
    }

    [Fact]
    public void Predictor_feeds_images_preprocessed_as_the_checkpoint_says()
    {
        Seeding.SetThreads(1);
        Seeding.SeedEverything(4);
        using var dir = new TestData.TempFolder();
        var files = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            using var bitmap = new SKBitmap(new SKImageInfo(32, 32, SKColorType.Rgba8888, SKAlphaType.Opaque));
            for (int r = 0; r < 32; r++)
                for (int c = 0; c < 32; c++)
                    bitmap.SetPixel(c, r, new SKColor((byte)(r * 8), (byte)(c * 8 * i % 256), (byte)(60 * i)));
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            files.Add(dir.File($"img{i}.png"));
            File.WriteAllBytes(files[^1], png.ToArray());
        }
        using var model = ModelZoo.Create(new ModelSpec("cnn", [3, 32, 32], 3));
        MoveBatchNormStatistics(model, [3, 32, 32]);
        var info = new CheckpointInfo { Architecture = "cnn", InputShape = [3, 32, 32], ClassNames = ["a", "b", "c"], Preprocessing = InputPreprocessing.ImageNetMlNet };
        Checkpoint.Save(dir.File("m.pt"), model, info);

        // What the model should see: the images in [0, 1] through the ImageNet preprocessing.
        float[,] expected;
        using (var scope = NewDisposeScope())
        {
            using var raw = new Dataset("x", cat(files.Select(f => ImageFolder.ReadImage(f, 32, 32)).ToArray(), 0), null, info.ClassNames, "test");
            using var pre = ImageNetResNet18.Preprocess(raw);
            (_, expected) = Metrics.Predict(model, pre.Inputs);
        }
        IReadOnlyList<Prediction> predictions;
        using (var predictor = new Predictor(dir.File("m.pt")))
            predictions = predictor.Predict(files, top: 3);
        for (int i = 0; i < files.Count; i++)
            foreach (var (name, p) in predictions[i].Top)
                Assert.Equal(expected[i, Array.IndexOf(info.ClassNames, name)], p, 1e-5);

        // The same weights told "none" see other inputs and give other probabilities.
        Checkpoint.Save(dir.File("m.pt"), model, info with { Preprocessing = InputPreprocessing.None });
        using (var plain = new Predictor(dir.File("m.pt")))
        {
            var other = plain.Predict(files, top: 3);
            double gap = Enumerable.Range(0, files.Count).SelectMany(i => other[i].Top.Select(t => Math.Abs(t.Probability - expected[i, Array.IndexOf(info.ClassNames, t.ClassName)]))).Max();
            Assert.True(gap > 1e-3, $"largest probability difference {gap:g3}");
        }
    }
}
