using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Models;
using TransferSharp.Tests.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Tests.DomainAdaptation;

/// <summary>What every registered method must do, whatever it is: read off <see cref="AdaptationMethods.All"/>, so a new
/// method is checked by adding its registry line.</summary>
[Collection("Sequential")]
public sealed class AdaptationMethodContractTests
{
    public static TheoryData<string> Methods => new(AdaptationMethods.All.Select(m => m.Name));

    private static readonly AdaptationOptions Tiny = new() { Epochs = 2, StepsPerEpoch = 6, BatchSize = 16, Bottleneck = 16, Threads = 1, Seed = 5 };

    private static AdaptationResult Fit(string name, Dataset source, Dataset target, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, int seed = 5)
    {
        var options = Tiny with { Method = AdaptationMethods.Find(name)!.DefaultOptions, Seed = seed };
        Seeding.SeedEverything(seed);
        var model = ModelZoo.Create(new ModelSpec("mlp", [4], 2));
        return new DomainAdaptationTrainer(options).Fit(model, source, target, source, target, progress, cancellation);
    }

    [Fact]
    public void The_registry_names_each_method_once_and_finds_it()
    {
        Assert.Equal(AdaptationMethods.All.Count, AdaptationMethods.All.Select(m => m.Name).Distinct().Count());
        foreach (var m in AdaptationMethods.All)
        {
            Assert.Same(m, AdaptationMethods.Find(m.Name));
            Assert.Same(m, m.DefaultOptions.Method);
            Assert.Empty(m.DefaultOptions.Validate());
            Assert.False(string.IsNullOrWhiteSpace(m.Description));
            Assert.True(m.UsesSourceLabels || m.UsesTargetLabels, $"{m.Name} trains on no labels");
        }
        Assert.Contains(AdaptationMethods.Default, AdaptationMethods.All);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_few_steps_give_finite_losses_and_the_same_numbers_for_the_same_seed(string name)
    {
        using var source = TestData.Blobs(40, 2, 4, seed: 1);
        using var target = TestData.Blobs(40, 2, 4, seed: 2);
        var a = Fit(name, source, target);
        var b = Fit(name, source, target);
        var c = Fit(name, source, target, seed: 6);
        Assert.Equal(12, a.Steps);
        // SHOT-IM and SHOT train on the source in epoch 1 only and never reads it in epoch 2 (its source-free phase): epoch 1
        // logs a classification loss, epoch 2 an alignment (information maximisation) loss.
        bool sourceFree = AdaptationMethods.Find(name) is ShotIm or Shot;
        Assert.All(a.History.Where(h => !sourceFree || h.Epoch == 1),
            h => Assert.True(double.IsFinite(h.ClassificationLoss), $"{name}: classification loss {h.ClassificationLoss}"));
        if (AdaptationMethods.Find(name)!.UsesTargetInputs)
            Assert.All(a.History.Where(h => !sourceFree || h.Epoch == 2),
                h => Assert.True(double.IsFinite(h.AlignmentLoss), $"{name}: alignment loss {h.AlignmentLoss}"));
        Assert.Equal(a.History.Select(h => (h.ClassificationLoss, h.AlignmentLoss, h.TrainAccuracy, h.SourceAccuracy, h.TargetAccuracy)),
            b.History.Select(h => (h.ClassificationLoss, h.AlignmentLoss, h.TrainAccuracy, h.SourceAccuracy, h.TargetAccuracy)));
        Assert.NotEqual(a.History.Select(h => (h.ClassificationLoss, h.AlignmentLoss)), c.History.Select(h => (h.ClassificationLoss, h.AlignmentLoss)));
        foreach (var r in new[] { a, b, c }) r.Network.Dispose();
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void The_live_tensor_count_stays_flat(string name)
    {
        using var source = TestData.Blobs(40, 2, 4, seed: 1);
        using var target = TestData.Blobs(40, 2, 4, seed: 2);
        var counts = new List<long>();
        var progress = new SyncProgress<TrainingProgress>(_ => counts.Add(DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount));
        Fit(name, source, target, progress).Network.Dispose();
        Assert.Equal(12, counts.Count);
        // After warm-up (optimiser state created on the first step), the count is the same at every step.
        Assert.Single(counts.Skip(2).Distinct());
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Cancellation_stops_training(string name)
    {
        using var source = TestData.Blobs(40, 2, 4, seed: 1);
        using var target = TestData.Blobs(40, 2, 4, seed: 2);
        using var cancel = new CancellationTokenSource();
        int steps = 0;
        var progress = new SyncProgress<TrainingProgress>(_ => { if (++steps == 3) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => { Fit(name, source, target, progress, cancel.Token); });
        Assert.Equal(3, steps);
    }
}
