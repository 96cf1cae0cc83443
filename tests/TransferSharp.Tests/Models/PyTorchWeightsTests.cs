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
