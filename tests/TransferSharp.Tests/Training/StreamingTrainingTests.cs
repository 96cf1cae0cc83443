using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Tests.Data;
using TransferSharp.Training;

namespace TransferSharp.Tests.Training;

[Collection("Sequential")]
public sealed class StreamingTrainingTests : IDisposable
{
    private readonly TestData.TempFolder dir = new();

    public StreamingTrainingTests() => ImageFolderFixtures.Write(dir.Path, classes: 4, perClass: 30, side: 16, seed: 8);

    public void Dispose() => dir.Dispose();

    private static TrainingResult Train(IBatchSource train, IBatchSource validation, int epochs)
    {
        Seeding.SeedEverything(3);
        var model = ModelZoo.Create(new ModelSpec("cnn", train.ExampleShape, train.ClassNames.Count));
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = 3, Threads = 1 };
        return new SupervisedTrainer(options).Fit(model, train, validation);
    }

    [Fact]
    public void Training_through_the_stream_learns()
    {
        var (train, validation) = StreamingImageFolder.Open(dir.Path, 16, 16, options: new StreamingOptions { DecodeThreads = 2 })
            .StratifiedSplit(0.25, seed: 1);
        var result = Train(train, validation, epochs: 6);
        using var model = result.Model;
        // Chance is 25%; the class square sits in a different quadrant for each class (this run reaches 100%).
        Assert.True(result.Final.ValidationAccuracy > 0.8, $"validation accuracy {result.Final.ValidationAccuracy}");
        Assert.True(Metrics.Evaluate(model, validation, batchSize: 7).Accuracy > 0.8);
        Assert.Equal(0, train.LastPass!.ActiveWorkers);
    }

    [Fact]
    public void Streamed_and_in_memory_training_give_the_same_history()
    {
        using var all = ImageFolder.Read(dir.Path, 16, 16);
        var (memTrain, memVal) = all.StratifiedSplit(0.25, seed: 1);
        using var _t = memTrain;
        using var _v = memVal;
        var (train, validation) = StreamingImageFolder.Open(dir.Path, 16, 16).StratifiedSplit(0.25, seed: 1);

        var inMemory = Train(memTrain, memVal, epochs: 2);
        var streamed = Train(train, validation, epochs: 2);
        Assert.Equal(inMemory.History.Select(h => (h.TrainLoss, h.TrainAccuracy, h.ValidationLoss)),
            streamed.History.Select(h => (h.TrainLoss, h.TrainAccuracy, h.ValidationLoss)));
    }

    [Fact]
    public void Cancelling_training_stops_the_decode_threads()
    {
        var train = StreamingImageFolder.Open(dir.Path, 16, 16, options: new StreamingOptions { DecodeThreads = 2, QueueCapacity = 3 });
        using var cancel = new CancellationTokenSource();
        var progress = new CancelAfter(cancel, steps: 2);
        Seeding.SeedEverything(1);
        using var model = ModelZoo.Create(new ModelSpec("cnn", train.ExampleShape, train.ClassNames.Count));
        var trainer = new SupervisedTrainer(new TrainingOptions { Epochs = 3, BatchSize = 4, Threads = 1 });
        Assert.ThrowsAny<OperationCanceledException>(() => { trainer.Fit(model, train, progress: progress, cancellation: cancel.Token); });
        Assert.Equal(3, train.LastPass!.Batches); // the third batch was fetched, then the step saw the cancellation
        Assert.Equal(0, train.LastPass.ActiveWorkers);
    }

    /// <summary>Cancels once the given step has been reported (synchronously, on the training thread).</summary>
    private sealed class CancelAfter(CancellationTokenSource cancel, int steps) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Step == steps) cancel.Cancel();
        }
    }
}
