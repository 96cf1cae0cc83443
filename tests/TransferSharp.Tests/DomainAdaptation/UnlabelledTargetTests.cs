using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.DomainAdaptation;

/// <summary>The lecture's cases with an unlabelled target: the pair, the trainer and the t-SNE take it as it is.</summary>
[Collection("Sequential")]
public sealed class UnlabelledTargetTests
{
    [Fact]
    public void A_pair_with_an_unlabelled_target_splits_it_at_random_and_keeps_the_source_classes()
    {
        using var source = TestData.Squares(20, 2, 1, 8, seed: 1);                       // 40 grey 8x8, labelled
        using var labelled = TestData.Squares(25, 2, 3, 12, seed: 2);                    // 50 RGB 12x12
        using var target = labelled.WithoutLabels();

        using var pair = DomainPair.Create(source, target, 0.2, seed: 4);

        Assert.False(pair.TargetLabelled);
        Assert.False(pair.TargetTrain.HasLabels);
        Assert.False(pair.TargetHeldOut.HasLabels);
        Assert.Equal(source.ClassNames, pair.ClassNames);
        Assert.Equal((40, 10), (pair.TargetTrain.Count, pair.TargetHeldOut.Count));
        Assert.Equal([3L, 8, 8], pair.ExampleShape);                                    // source made RGB, target resized
        Assert.Equal(pair.ExampleShape, pair.TargetTrain.ExampleShape);
        Assert.Contains(pair.Notes, n => n.Contains("resized from 12x12 to 8x8"));
        Assert.Contains("random split seed 4", pair.TargetHeldOut.Provenance);
    }

    [Fact]
    public void A_labelled_target_with_other_classes_is_still_refused()
    {
        using var source = TestData.Blobs(10, 2, 4, seed: 1);
        using var target = TestData.Blobs(10, 3, 4, seed: 2);
        var e = Assert.Throws<ArgumentException>(() => DomainPair.Create(source, target, 0.2, seed: 0));
        Assert.Contains("different classes", e.Message);
        // The same target without labels is taken to have the source's classes.
        using var unlabelled = target.WithoutLabels();
        using var pair = DomainPair.Create(source, unlabelled, 0.2, seed: 0);
        Assert.Equal(["c0", "c1"], pair.ClassNames);
    }

    [Fact]
    public void Dann_on_an_unlabelled_target_trains_exactly_as_on_the_labelled_one()
    {
        // Labels of the target are never used for training, so dropping them changes nothing.
        using var source = TestData.Blobs(60, 2, 4, seed: 1);
        using var target = TestData.Blobs(60, 2, 4, seed: 2);
        using var unlabelled = target.WithoutLabels();
        var options = new AdaptationOptions { Epochs = 2, StepsPerEpoch = 5, BatchSize = 16, Bottleneck = 16, Method = new Cdan.Options { DiscriminatorWidth = 16 }, Threads = 1 };

        AdaptationResult Fit(Dataset t)
        {
            Seeding.SeedEverything(0);
            var model = ModelZoo.Create(new ModelSpec("mlp", [4], 2));
            return new DomainAdaptationTrainer(options).Fit(model, source, t, sourceValidation: source);
        }
        var withLabels = Fit(target);
        var withoutLabels = Fit(unlabelled);

        Assert.Equal(withLabels.History.Select(h => h.ClassificationLoss), withoutLabels.History.Select(h => h.ClassificationLoss));
        Assert.Equal(withLabels.History.Select(h => h.AlignmentLoss), withoutLabels.History.Select(h => h.AlignmentLoss));
        Assert.All(withoutLabels.History, h => Assert.Null(h.TargetAccuracy));
        Assert.Equal(Metrics.Evaluate(withLabels.Network, target).Accuracy, Metrics.Evaluate(withoutLabels.Network, target).Accuracy);

        // The t-SNE takes the unlabelled target too: its points have class -1.
        var points = FeatureEmbedding.Compute(withoutLabels.Network, source, unlabelled, 20, new TsneOptions { Seed = 0 });
        Assert.Equal(40, points.Count);
        Assert.All(points.Where(p => p.Domain == 1), p => Assert.Equal(-1, p.Class));
        Assert.All(points.Where(p => p.Domain == 0), p => Assert.InRange(p.Class, 0, 1));
    }

    [Fact]
    public void Random_split_works_without_labels_and_is_seeded()
    {
        using var data = TestData.Blobs(10, 3, 2, seed: 0);
        using var unlabelled = data.WithoutLabels();
        var (a1, b1) = unlabelled.RandomSplit(0.3, 7);
        var (a2, b2) = unlabelled.RandomSplit(0.3, 7);
        using (a1) using (b1) using (a2) using (b2)
        {
            Assert.Equal((21, 9), (a1.Count, b1.Count));
            Assert.False(a1.HasLabels);
            Assert.True(b1.Inputs.eq(b2.Inputs).all().item<bool>());
        }
    }
}
