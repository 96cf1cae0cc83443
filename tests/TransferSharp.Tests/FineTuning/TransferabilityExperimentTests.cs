using TransferSharp.FineTuning;
using TransferSharp.Training;

namespace TransferSharp.Tests.FineTuning;

[Collection("Sequential")]
public sealed class TransferabilityExperimentTests
{
    [Fact]
    public void Runs_every_network_for_every_n_and_seed()
    {
        using var data = TestData.Blobs(60, 6, 12, seed: 8);
        var split = ClassSplit.Random(data.ClassNames, seed: 1);
        Assert.Equal(3, split.A.Count);
        Assert.Empty(split.A.Intersect(split.B));
        var options = new TransferabilityOptions
        {
            Architecture = "mlp",
            Training = new TrainingOptions { Epochs = 3, BatchSize = 16, Threads = 1 },
            Seeds = [0, 1],
            TrainPerClass = null,
        };
        var reports = new List<TransferabilityProgress>();
        var result = new TransferabilityExperiment(options).Run(data, split, new SyncProgress<TransferabilityProgress>(reports.Add));

        Assert.Equal(["fc1", "fc2"], result.Stages);                  // the MLP's feature stages: n = 1, 2
        Assert.Equal(2 * (2 + 2 * 4), result.Runs.Count);
        Assert.Equal(20, reports.Count(r => r.Step is null));
        Assert.Equal(36, result.TestCountB);                           // 20% of 3 classes x 60
        var (baseB, _, count) = result.Summary("baseB", 0);
        Assert.Equal(2, count);
        // Three blobs 3 standard deviations apart: chance is 1/3, a trained MLP gets nearly all.
        Assert.True(baseB > 0.8, $"base B {baseB:P1}");
        Assert.True(result.Summary("BnB+", 1).Mean > 0.8);
        Assert.All(result.Runs, r => Assert.InRange(r.Accuracy, 0, 1));
    }

    [Fact]
    public void Dissimilar_split_of_fashion_mnist_is_footwear_and_bags_against_clothing()
    {
        using var data = TestData.Blobs(2, 10, 4, seed: 1);
        string[] names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        using var fashion = data.WithLabels(data.Labels!.alias(), names, "renamed");
        var split = ClassSplit.Dissimilar(fashion);
        Assert.Equal(["Sandal", "Sneaker", "Bag", "Ankle boot"], split.A);
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Shirt"], split.B);
        Assert.Throws<ArgumentException>(() => ClassSplit.Dissimilar(data));
    }

    [Fact]
    public void Split_file_errors_name_the_file_and_the_class()
    {
        using var dir = new TestData.TempFolder();
        var path = dir.File("split.txt");
        File.WriteAllLines(path, ["A: c0, c1", "B: c2, c9"]);
        var e = Assert.Throws<InvalidDataException>(() => ClassSplit.FromFile(path, ["c0", "c1", "c2", "c3"]));
        Assert.Contains("split.txt", e.Message);
        Assert.Contains("'c9'", e.Message);
        File.WriteAllLines(path, ["c0,c1", "c2,c3"]);
        Assert.Equal(["c2", "c3"], ClassSplit.FromFile(path, ["c0", "c1", "c2", "c3"]).B);
    }

    [Fact]
    public void Early_stopping_holds_out_validation_examples_and_keeps_the_best_epoch()
    {
        using var data = TestData.Blobs(60, 6, 12, seed: 8);
        var split = ClassSplit.Random(data.ClassNames, seed: 1);
        var options = new TransferabilityOptions
        {
            Architecture = "mlp",
            // Three well-separated blobs are learnt in a few epochs: with patience 2, no network may use all 40.
            Training = new TrainingOptions { Epochs = 40, BatchSize = 16, Threads = 1, Patience = 2 },
            Seeds = [0],
            TrainPerClass = null,
            ValidationFraction = 0.25,
        };
        var result = new TransferabilityExperiment(options).Run(data, split);

        Assert.Equal(36, result.TestCountB);                           // the test part is as without early stopping
        Assert.Equal(108, result.TrainCountB);                         // 144 left, a quarter of each class held out
        Assert.All(result.Runs, r => Assert.InRange(r.BestEpoch, 1, r.Epochs));
        Assert.All(result.Runs, r => Assert.True(r.Epochs < 40, $"{r.Network} n={r.CopiedStages} trained all {r.Epochs} epochs"));
        Assert.True(result.Summary("baseB", 0).Mean > 0.8);
        Assert.Contains(new TransferabilityOptions { Training = new TrainingOptions { Patience = 1 }, ValidationFraction = 0 }.Validate(),
            e => e.Field == nameof(TransferabilityOptions.ValidationFraction));
    }
}
