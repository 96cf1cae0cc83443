using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

[Collection("Sequential")]
public sealed class RealDataTrainingTests
{
    [Fact]
    public void LeNet_learns_real_MNIST_digits_from_a_small_subset()
    {
        using var mnist = Catalog.Load("mnist");
        var (rest, test) = mnist.StratifiedSplit(0.1, seed: 1);       // 1,000 held-out images
        using var _ = rest;
        using var __ = test;
        using var train = rest.TakePerClass(150, seed: 0);            // 1,500 training images
        Seeding.SeedEverything(3);
        using var model = ModelZoo.Create(new ModelSpec("lenet", mnist.ExampleShape, 10));
        new SupervisedTrainer(new TrainingOptions { Epochs = 3, Threads = 2, Seed = 3 }).Fit(model, train);
        // Chance is 10 %; with this seed and split it measured 92.0 %.
        var accuracy = Metrics.Evaluate(model, test).Accuracy;
        Console.WriteLine($"LeNet on 1,500 MNIST digits, 3 epochs: {accuracy:P2}");
        Assert.True(accuracy > 0.85, $"accuracy {accuracy}");
    }
}
