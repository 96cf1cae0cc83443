using TransferSharp.Data;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Tests.Data;
using TransferSharp.Training;

namespace TransferSharp.Tests.FineTuning;

[Collection("Sequential")]
public sealed class StreamedFineTuningTests : IDisposable
{
    private readonly TestData.TempFolder dir = new();

    public StreamedFineTuningTests() => ImageFolderFixtures.Write(dir.Path, classes: 4, perClass: 20, side: 16, seed: 5);

    public void Dispose() => dir.Dispose();

    private static StagedModel Source()
    {
        Seeding.SeedEverything(2);
        return ModelZoo.Create(new ModelSpec("cnn", [3, 16, 16], 7));   // an untrained 7-class source: the head is replaced
    }

    [Theory]
    [InlineData(CopiedStageMode.Frozen)]      // features computed once through the stream, head trained on them
    [InlineData(CopiedStageMode.FineTuned)]   // every batch streamed through the whole network
    public void Fine_tuning_on_a_streamed_folder_equals_fine_tuning_in_memory(CopiedStageMode mode)
    {
        var options = new FineTuningOptions
        {
            Training = new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 4, Threads = 1 },
            Transfer = new LayerTransferOptions { Mode = mode },
        };
        using var source = Source();
        using var all = ImageFolder.Read(dir.Path, 16, 16);
        var (memTrain, memVal) = all.StratifiedSplit(0.25, seed: 1);
        using var _t = memTrain;
        using var _v = memVal;
        var (train, validation) = StreamingImageFolder.Open(dir.Path, 16, 16, options: new StreamingOptions { DecodeThreads = 2 })
            .StratifiedSplit(0.25, seed: 1);

        var inMemory = new FineTuner(options).Fit(source, memTrain, memVal);
        var streamed = new FineTuner(options).Fit(source, train, validation);
        using var _a = inMemory.Model;
        using var _b = streamed.Model;
        Assert.Equal(inMemory.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy)),
            streamed.History.Select(h => (h.TrainLoss, h.ValidationLoss, h.ValidationAccuracy)));
        Assert.Equal(4, streamed.Model.Spec.ClassCount);
    }

    [Fact]
    public void The_ImageNet_preprocessing_of_a_stream_equals_that_of_the_dataset()
    {
        using var all = ImageFolder.Read(dir.Path, 16, 16);
        using var expected = ImageNetResNet18.Preprocess(all);
        var stream = ImageNetResNet18.Preprocess(StreamingImageFolder.Open(dir.Path, 16, 16));
        Assert.Equal([3L, 16, 16], stream.ExampleShape);
        long row = 0;
        Tensor? mean = null;
        foreach (var batch in stream.Batches(32, shuffle: false, seed: 0))
        {
            using var slice = expected.Inputs.narrow(0, row, batch.Inputs.shape[0]);
            Assert.True(slice.allclose(batch.Inputs, rtol: 0, atol: 1e-4), $"batch at {row} differs");
            // Independently of the code under test: x·255 in BGR order minus the output is one and the same image
            // (the package's mean image) for every example, with pixel-like values.
            using var raw = all.Inputs.narrow(0, row, batch.Inputs.shape[0]);
            using var implied = raw.flip(1) * 255f - batch.Inputs;                 // (B, 3, 16, 16)
            mean ??= implied[0].clone().DetachFromDisposeScope();
            Assert.True(implied.sub(mean).abs().max().item<float>() < 1e-3, $"the subtracted image varies within the batch at {row}");
            row += batch.Inputs.shape[0];
        }
        Assert.Equal(all.Count, row);
        Assert.InRange(mean!.mean().item<float>(), 50f, 200f);   // ImageNet's mean pixel is about 115
        mean.Dispose();
    }
}
