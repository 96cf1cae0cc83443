using TransferSharp.Data;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.FineTuning;

[Collection("Sequential")]
public sealed class LayerTransferTests
{
    private static StagedModel Source(string arch, long[] shape, int classes, int seed = 3)
    {
        Seeding.SeedEverything(seed);
        return ModelZoo.Create(new ModelSpec(arch, shape, classes));
    }

    private static Dictionary<string, float[]> Values(StagedModel m, IEnumerable<string> stages) =>
        stages.SelectMany(s => m.state_dict().Where(kv => m.ModulesOf(s).Any(p => kv.Key.StartsWith(p + ".", StringComparison.Ordinal))))
            .ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float32).data<float>().ToArray());

    [Fact]
    public void Copied_stages_equal_the_sources_and_the_rest_is_new()
    {
        using var source = Source("cnn", [1, 16, 16], 4);
        Seeding.SeedEverything(99);
        var t = LayerTransfer.Build(source, new ModelSpec("cnn", [1, 16, 16], 6), new LayerTransferOptions { Copy = StageSelection.First(2) });
        using var target = t.Model;
        Assert.Equal(["block1", "block2"], t.CopiedStages);
        Assert.Equal(["block3", "head"], t.NewStages);
        var expected = Values(source, t.CopiedStages);
        var actual = Values(target, t.CopiedStages);
        Assert.Contains("block1.1.running_var", actual.Keys);   // buffers travel too
        foreach (var (k, v) in expected) Assert.Equal(v, actual[k]);
        Assert.NotEqual(Values(source, ["block3"])["block3.0.0.weight"], Values(target, ["block3"])["block3.0.0.weight"]);
        // The new head has one output per target class.
        var head = target.StageParameters("head").ToDictionary(p => p.Name, p => p.Parameter.shape);
        Assert.Equal([6L, 128L], head["head.weight"]);
        Assert.Equal([6L], head["head.bias"]);
    }

    [Fact]
    public void Last_and_named_selections_pick_those_stages()
    {
        using var source = Source("lenet", [1, 28, 28], 5);
        var spec = new ModelSpec("lenet", [1, 28, 28], 3);
        Assert.Equal(["fc1", "fc2"], StageSelection.Parse("last:2").Resolve(source, spec));
        Assert.Equal(["conv1", "fc2"], StageSelection.Parse("stages:fc2,conv1").Resolve(source, spec));
        Assert.Equal(["conv1", "conv2", "fc1", "fc2"], StageSelection.Parse("all").Resolve(source, spec));
        // Same classes: the head can be copied as well.
        Assert.Equal(["fc2", "head"], StageSelection.Parse("last:2").Resolve(source, spec with { ClassCount = 5 }));
        Assert.Empty(StageSelection.Parse("none").Resolve(source, spec));
    }

    [Fact]
    public void Copying_none_gives_the_fresh_network_the_same_seed_gives()
    {
        using var source = Source("lenet", [1, 28, 28], 5);
        var spec = new ModelSpec("lenet", [1, 28, 28], 3);
        Seeding.SeedEverything(42);
        var t = LayerTransfer.Build(source, spec, new LayerTransferOptions { Copy = StageSelection.Parse("none") });
        using var built = t.Model;
        Assert.Empty(t.CopiedStages);
        Assert.Equal(built.StageNames, t.NewStages);
        Assert.Equal("none", StageSelection.Nothing.ToString());
        Assert.Single(t.ParameterGroups());                       // everything trains at the base rate
        Seeding.SeedEverything(42);
        using var fresh = ModelZoo.Create(spec);
        var expected = Values(fresh, fresh.StageNames);
        foreach (var (k, v) in Values(built, built.StageNames)) Assert.Equal(expected[k], v);
        Assert.NotEqual(Values(source, ["conv1"])["conv1.0.weight"], Values(built, ["conv1"])["conv1.0.weight"]);
        var e = new LayerTransferOptions { Copy = StageSelection.Nothing, Mode = CopiedStageMode.Frozen }.Validate();
        Assert.Contains("nothing to freeze", Assert.Single(e).Message);
        Assert.Equal("Copy", e[0].Field);
    }

    [Theory]
    [InlineData("first:99", "cannot copy first:99")]
    [InlineData("stages:conv9", "unknown stage 'conv9'")]
    [InlineData("stages:head", "stage 'head' cannot be copied")]
    [InlineData("middle:2", "'middle' is not first, last or stages")]
    [InlineData("first:x", "whole number")]
    public void Bad_selections_name_the_problem(string text, string expected)
    {
        using var source = Source("lenet", [1, 28, 28], 5);
        var e = Assert.Throws<ArgumentException>(() => StageSelection.Parse(text).Resolve(source, new ModelSpec("lenet", [1, 28, 28], 3)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Frozen_stages_stay_unchanged_while_the_rest_trains()
    {
        using var data = TestData.Squares(24, 4, 1, 16, seed: 5);
        using var source = Source("cnn", [1, 16, 16], 4);
        var options = new FineTuningOptions
        {
            Training = new TrainingOptions { Epochs = 2, BatchSize = 16, Threads = 1 },
            Transfer = new LayerTransferOptions { Copy = StageSelection.First(2), Mode = CopiedStageMode.Frozen },
        };
        var result = new FineTuner(options).Fit(source, data);
        using var target = result.Model;
        var before = Values(source, ["block1", "block2", "block3"]);
        var after = Values(target, ["block1", "block2", "block3"]);
        foreach (var k in before.Keys.Where(k => k.StartsWith("block1", StringComparison.Ordinal) || k.StartsWith("block2", StringComparison.Ordinal)))
            Assert.Equal(before[k], after[k]);                                  // weights and batch-norm statistics
        Assert.NotEqual(before["block3.0.0.weight"], after["block3.0.0.weight"]);
        Assert.All(target.StageParameters("block1"), p => Assert.False(p.Parameter.requires_grad));
        Assert.True(result.History.Count == 2);
    }

    [Fact]
    public void Fine_tuned_copies_get_their_own_learning_rate_group()
    {
        using var source = Source("mlp", [8], 3);
        var t = LayerTransfer.Build(source, new ModelSpec("mlp", [8], 2),
            new LayerTransferOptions { Copy = StageSelection.First(1), CopiedLearningRateScale = 0.1 });
        using var _ = t.Model;
        var groups = t.ParameterGroups();
        Assert.Equal(2, groups.Count);
        Assert.Equal(1.0, groups[0].LearningRateScale);
        Assert.Equal(4, groups[0].Parameters.Count);   // fc2 and head: weight and bias each
        Assert.Equal(0.1, groups[1].LearningRateScale);
        Assert.Equal(2, groups[1].Parameters.Count);   // fc1
    }

    [Fact]
    public void A_shape_mismatch_names_the_tensor()
    {
        using var source = Source("lenet", [1, 28, 28], 5);
        var e = Assert.Throws<ArgumentException>(() =>
            LayerTransfer.Build(source, new ModelSpec("lenet", [3, 28, 28], 5), new LayerTransferOptions { Copy = StageSelection.First(1) }));
        Assert.Contains("conv1.0.weight", e.Message);
    }

    [Fact]
    public void Cached_frozen_features_train_the_head_as_the_full_pass_does()
    {
        using var data = TestData.Squares(16, 4, 1, 16, seed: 6);
        using var source = Source("cnn", [1, 16, 16], 3);
        StagedModel Tune(bool cache) => new FineTuner(new FineTuningOptions
        {
            Training = new TrainingOptions { Epochs = 2, BatchSize = 16, Threads = 1, Seed = 2 },
            Transfer = new LayerTransferOptions { Mode = CopiedStageMode.Frozen },
            CacheFrozenFeatures = cache,
        }).Fit(source, data).Model;
        using var cached = Tune(cache: true);
        using var full = Tune(cache: false);
        var a = Values(cached, ["head"]);
        var b = Values(full, ["head"]);
        Assert.All(a.Keys, k => Assert.True(a[k].Zip(b[k]).Max(p => Math.Abs(p.First - p.Second)) < 1e-4, k));
        Assert.NotEqual(Values(Source("cnn", [1, 16, 16], 4, seed: 2), ["head"])["head.weight"], a["head.weight"]);
    }
}
