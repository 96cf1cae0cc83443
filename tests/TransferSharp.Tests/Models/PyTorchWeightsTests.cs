using TorchSharp.PyBridge;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Models;

[Collection("Sequential")]
public sealed class PyTorchWeightsTests
{
    private static StagedModel Lenet(int seed, int classes = 4)
    {
        Seeding.SeedEverything(seed);
        return ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], classes));
    }

    private static float[] Head(StagedModel m) => m.state_dict()["head.weight"].data<float>().ToArray();

    [Fact]
    public void Safetensors_load_by_name_without_opt_in()
    {
        using var dir = new TestData.TempFolder();
        using var saved = Lenet(1);
        saved.save_safetensors(dir.File("w.safetensors"));
        using var loaded = Lenet(2);
        Assert.NotEqual(Head(saved), Head(loaded));
        PyTorchWeights.Load(loaded, dir.File("w.safetensors"));
        Assert.Equal(Head(saved), Head(loaded));
    }

    [Fact]
    public void Pickled_state_dicts_need_the_opt_in()
    {
        using var dir = new TestData.TempFolder();
        using var saved = Lenet(1);
        saved.save_py(dir.File("w.pt"));
        using var loaded = Lenet(2);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchWeights.Load(loaded, dir.File("w.pt")));
        Assert.Contains("--allow-pickle", e.Message);
        PyTorchWeights.Load(loaded, dir.File("w.pt"), allowPickle: true);
        Assert.Equal(Head(saved), Head(loaded));
    }

    // A cnn (batch norm: running statistics and counters are buffers) whose buffers have moved off their initial
    // values, so that a round trip that skipped them would show.
    private static StagedModel TrainedCnn(int seed)
    {
        Seeding.SeedEverything(seed);
        var m = ModelZoo.Create(new ModelSpec("cnn", [1, 8, 8], 3));
        m.train();
        using (no_grad())
        {
            for (int i = 0; i < seed + 2; i++) m.call(rand(6, 1, 8, 8) * (seed + 1)).Dispose();
            foreach (var p in m.parameters()) p.add_(randn_like(p) * 0.1);   // batch-norm scales and shifts start at 1 and 0
        }
        return m;
    }

    private static Dictionary<string, double[]> State(StagedModel m) =>
        m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float64).data<double>().ToArray());

    [Theory]
    [InlineData("w.safetensors")]
    [InlineData("w.pt")]
    public void Round_trip_restores_every_parameter_and_buffer(string file)
    {
        using var dir = new TestData.TempFolder();
        using var saved = TrainedCnn(1);
        if (file.EndsWith(".pt")) saved.save_py(dir.File(file));
        else saved.save_safetensors(dir.File(file));
        using var loaded = TrainedCnn(2);
        var expected = State(saved);
        Assert.Contains("block1.1.running_mean", expected.Keys);
        Assert.Contains("block1.1.running_var", expected.Keys);
        Assert.Contains("block1.1.num_batches_tracked", expected.Keys);
        var before = State(loaded);
        Assert.All(expected.Keys, k => Assert.NotEqual(expected[k], before[k]));
        PyTorchWeights.Load(loaded, dir.File(file), allowPickle: true);
        var actual = State(loaded);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (k, v) in expected) Assert.True(v.SequenceEqual(actual[k]), $"{k} differs after the round trip through {file}");
    }

    [Fact]
    public void Damaged_files_are_named_in_one_clean_error()
    {
        using var dir = new TestData.TempFolder();
        var garbage = new byte[4096];
        new Random(5).NextBytes(garbage);
        File.WriteAllBytes(dir.File("garbage.safetensors"), garbage);
        using var saved = TrainedCnn(1);
        saved.save_py(dir.File("full.pt"));
        var bytes = File.ReadAllBytes(dir.File("full.pt"));
        File.WriteAllBytes(dir.File("cut.pt"), bytes[..(bytes.Length / 2)]);
        File.WriteAllBytes(dir.File("w.onnx"), garbage);
        using var model = TrainedCnn(2);
        foreach (var (file, expected) in new[] { ("garbage.safetensors", "not a .safetensors file"), ("cut.pt", "cannot read the state dict"), ("w.onnx", "not a PyTorch weights file") })
        {
            var e = Assert.Throws<InvalidDataException>(() => PyTorchWeights.Load(model, dir.File(file), allowPickle: true));
            Assert.StartsWith(dir.File(file), e.Message);
            Assert.Contains(expected, e.Message);
        }
    }

    [Fact]
    public void A_mismatch_lists_missing_unexpected_and_misshapen_keys()
    {
        using var dir = new TestData.TempFolder();
        Seeding.SeedEverything(0);
        using var mlp = ModelZoo.Create(new ModelSpec("mlp", [784], 4));
        mlp.save_safetensors(dir.File("mlp.safetensors"));
        using var lenet = Lenet(0, classes: 3);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchWeights.Load(lenet, dir.File("mlp.safetensors")));
        Assert.Contains("mlp.safetensors", e.Message);
        Assert.Contains("missing keys: conv1.0.weight", e.Message);
        Assert.Contains("unexpected keys: fc1.1.weight", e.Message);
        Assert.Contains("shape mismatches: ", e.Message);
        Assert.Contains("head.weight (4x128 in the file, 3x100 here)", e.Message);
    }
}
