using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Models;

[Collection("Sequential")]
public sealed class ModelEntryTests
{
    [Fact]
    public void Every_entry_records_the_stages_and_the_smallest_input_of_its_model()
    {
        Assert.Equal(ModelZoo.Entries.Select(e => e.Name), ModelZoo.Architectures);
        foreach (var e in ModelZoo.Entries)
        {
            long side = Math.Max(e.MinSide, 8);
            using var model = ModelZoo.Create(new ModelSpec(e.Name, [1, side, side], 3));
            Assert.Equal(e.Stages, model.StageNames);
            if (e.MinSide > 1)
                Assert.Contains($"at least {e.MinSide}x{e.MinSide}",
                    Assert.Throws<ArgumentException>(() => ModelZoo.Create(new ModelSpec(e.Name, [1, e.MinSide - 1, e.MinSide - 1], 3))).Message);
        }
        Assert.Throws<ArgumentException>(() => ModelZoo.Entry("vgg"));
    }

    [Fact]
    public void A_source_of_fixed_input_size_takes_only_its_own_shape()
    {
        using var lenet = ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10));
        using var cnn = ModelZoo.Create(new ModelSpec("cnn", [1, 28, 28], 10));
        Assert.True(ModelZoo.Entry("lenet").FixedInputSize);
        Assert.False(ModelZoo.Entry("cnn").FixedInputSize);
        SourceModel.CheckCompatible(lenet, [1, 28, 28], "s", "t");
        Assert.Contains("needs 1x28x28", Assert.Throws<ArgumentException>(() => SourceModel.CheckCompatible(lenet, [1, 32, 32], "s", "t")).Message);
        SourceModel.CheckCompatible(cnn, [1, 32, 32], "s", "t");                                   // pools globally
        Assert.Contains("--channels", Assert.Throws<ArgumentException>(() => SourceModel.CheckCompatible(cnn, [3, 32, 32], "s", "t")).Message);
    }

    [Fact]
    public void Training_split_parts_are_disjoint_and_shots_come_from_the_training_part()
    {
        using var data = TestData.Blobs(perClass: 30, classes: 3, dims: 4, seed: 1);
        using var split = TrainingSplit.InMemory(data, 0.2, 0.1, seed: 3, shots: 5);
        Assert.Equal(15, split.Train.Count);
        Assert.Equal(18, split.Test.Count);
        Assert.NotEqual(0, split.Validation.Count);
        using var noValidation = TrainingSplit.InMemory(data, 0.2, 0, seed: 3);
        Assert.Equal(0, noValidation.Validation.Count);   // no validation part: not the test part standing in
        Assert.Equal(72, noValidation.Train.Count);
        Assert.StartsWith("shots 50:", Assert.Throws<InvalidOptionsException>(() => TrainingSplit.InMemory(data, 0.2, 0.1, 3, shots: 50)).Message);
    }
}
