using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;
using static TransferSharp.Tests.DomainAdaptation.DomainAdaptationTrainerTests;

namespace TransferSharp.Tests.DomainAdaptation;

/// <summary>MCC, SHOT-IM, SHOT, AdaBN and the warm-up on the shifted blobs of <see cref="DomainAdaptationTrainerTests"/>.</summary>
[Collection("Sequential")]
public sealed class NewAdaptationMethodsTests
{
    [Theory]
    // Measured at seeds 0, 1, 2 (6 epochs of 25 steps): source only 65.0, 65.5, 64.5 %; MCC 88.5, 89.0, 89.0 %;
    // SHOT-IM 96.3, 95.3, 96.8 %; AdaBN 88.2, 88.5, 88.2 %; SHOT (seed 0) 96.3 %. Chance is 50 %.
    [InlineData("mcc", 0.8)]
    [InlineData("shot-im", 0.85)]
    [InlineData("adabn", 0.8)]
    [InlineData("shot", 0.85)]
    public void Beats_source_only_on_a_shifted_target(string name, double floor)
    {
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var test = ShiftedBlobs(400, target: true, seed: 3);
        var (sourceOnly, a) = Run(Small with { Method = new SourceOnly.Options() }, source, target, test);
        var (adapted, b) = Run(Small with { Method = AdaptationMethods.Find(name)!.DefaultOptions }, source, target, test);
        Assert.True(sourceOnly < 0.75, $"source only {sourceOnly:P1}: the shift should hurt it");
        Assert.True(adapted > floor && adapted > sourceOnly + 0.1, $"{name} {adapted:P1} vs source only {sourceOnly:P1}");
        a.Network.Dispose();
        b.Network.Dispose();
    }

    [Fact]
    public void Mean_teacher_beats_source_only_on_a_shifted_target()
    {
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var test = ShiftedBlobs(400, target: true, seed: 3);
        var (sourceOnly, a) = Run(Small with { Method = new SourceOnly.Options() }, source, target, test);
        var (adapted, b) = Run(Small with { Method = new MeanTeacher.Options() }, source, target, test);
        // Measured at seeds 0, 1, 2: 73.3, 80.0, 77.7 % (source only 65.0, 65.5, 64.5 %). At the paper's confidence
        // threshold (0.968) few target examples pass on this toy shift (the consistency loss stays near 1e-4), so most of
        // the gain is the student's per-domain batch statistics (on MNIST pairs at 100 steps it gains nothing: bench/dann.md).
        Assert.True(adapted > 0.7 && adapted > sourceOnly + 0.05, $"mean teacher {adapted:P1} vs source only {sourceOnly:P1}");
        Assert.All(b.History, h => Assert.True(double.IsFinite(h.AlignmentLoss) && h.AlignmentLoss >= 0, "consistency"));
        a.Network.Dispose();
        b.Network.Dispose();
    }

    [Fact]
    public void Cdan_with_a_warmup_beats_source_only_on_a_shifted_target()
    {
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var test = ShiftedBlobs(400, target: true, seed: 3);
        var (sourceOnly, a) = Run(Small with { Method = new SourceOnly.Options() }, source, target, test);
        var cdan = new Cdan.Options { DiscriminatorWidth = 64, ReversalCoefficient = 1, WarmupFraction = 0.3 };
        var (adapted, b) = Run(Small with { Method = cdan }, source, target, test);
        // Measured with seed 0: 85.8 % (source only 65.0 %; without the warm-up 89.5 %).
        Assert.True(adapted > 0.8 && adapted > sourceOnly + 0.1, $"CDAN with warm-up {adapted:P1} vs source only {sourceOnly:P1}");
        // 6 epochs of 25 steps: epochs 1 (p ≤ 0.16) has λ = 0, epoch 2 ends at p = 0.327, past the warm-up.
        Assert.Equal(0, b.History[0].Lambda);
        Assert.True(b.History[1].Lambda > 0);
        a.Network.Dispose();
        b.Network.Dispose();
    }

    [Fact]
    public void A_warmup_holds_the_coefficient_at_zero_then_runs_the_whole_schedule_after_it()
    {
        var plain = new Cdan.Options();
        var warm = plain with { WarmupFraction = 0.4 };
        Assert.Equal(0, warm.CoefficientAt(0.2));
        Assert.Equal(0, warm.CoefficientAt(0.4));
        Assert.Equal(plain.CoefficientAt(0.5), warm.CoefficientAt(0.7), 12);   // (0.7 − 0.4) / 0.6 = 0.5
        Assert.Equal(plain.CoefficientAt(1), warm.CoefficientAt(1), 12);
        var mmd = new Mmd.Options { WarmupFraction = 0.5, WeightSchedule = AdaptationSchedule.Constant };
        Assert.Equal(0, mmd.CoefficientAt(0.49));
        Assert.Equal(0.3, mmd.CoefficientAt(0.5), 12);
        Assert.Contains(new Cdan.Options { WarmupFraction = 1 }.Validate(), e => e.Field == "WarmupFraction");
        Assert.Contains(new Coral.Options { WarmupFraction = -0.1 }.Validate(), e => e.Field == "WarmupFraction");
    }

    [Fact]
    public void Shot_pseudo_labels_are_the_nearest_centroid_of_the_target_clusters()
    {
        // Two well separated blobs the source model already classifies: the centroids' labels are the predictions, and
        // a class nobody predicts has no centroid (a one-class target).
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var test = ShiftedBlobs(400, target: false, seed: 3);
        var (accuracy, result) = Run(Small with { Method = new SourceOnly.Options() }, source, source, test);
        using var network = result.Network;
        network.eval();
        var (centroids, has) = Shot.Centroids(network, test.Inputs);
        Assert.Equal([2L, network.FeatureCount + 1], centroids.shape);
        Assert.True(has.all().item<bool>());
        using (no_grad())
        {
            var predicted = network.call(test.Inputs).argmax(1);
            var pseudo = Shot.PseudoLabels(network.Features(test.Inputs), centroids, has);
            Assert.True(pseudo.eq(predicted).to(ScalarType.Float32).mean().item<float>() > 0.9, $"source model {accuracy:P1}");
            // Only the examples predicted as class 1: class 0 is in nobody's prediction, so it gets no centroid.
            var ones = predicted.eq(1).nonzero().squeeze(1);
            var (_, oneClass) = Shot.Centroids(network, test.Inputs.index_select(0, ones));
            Assert.False(oneClass[0].item<bool>());
            Assert.True(oneClass[1].item<bool>());
        }
    }

    [Fact]
    public void Shot_im_with_an_aligned_source_phase_beats_source_only_on_a_shifted_target()
    {
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var test = ShiftedBlobs(400, target: true, seed: 3);
        var (sourceOnly, a) = Run(Small with { Method = new SourceOnly.Options() }, source, target, test);
        var (adapted, b) = Run(Small with { Method = new ShotIm.Options { AlignedSourcePhase = true } }, source, target, test);
        Assert.True(adapted > 0.85 && adapted > sourceOnly + 0.1, $"SHOT-IM after CDAN {adapted:P1} vs source only {sourceOnly:P1}");
        // Phase 1 is CDAN's step: it logs a domain accuracy; phase 2 (epochs 4-6) reads no source and has none.
        Assert.True(double.IsFinite(b.History[0].DomainAccuracy));
        Assert.True(double.IsNaN(b.History[^1].DomainAccuracy));
        a.Network.Dispose();
        b.Network.Dispose();
    }

    [Theory]
    [InlineData("shot-im")]
    [InlineData("shot")]
    [InlineData("shot-im-aligned")]
    public void Source_free_methods_adapt_with_no_source_data_and_a_frozen_head(string name)
    {
        // The step driven directly by the training loop: 60 steps of real source + target batches, then 90 steps whose
        // "source" is NaN images with label −1. Any read of them would make the loss or the weights NaN (the loop
        // throws) or fail in the cross-entropy; only the target batches can move the network.
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var test = ShiftedBlobs(400, target: true, seed: 3);
        AdaptationMethodOptions method = name switch
        {
            "shot" => new Shot.Options { SourceFraction = 0.4 },
            "shot-im-aligned" => new ShotIm.Options { SourceFraction = 0.4, AlignedSourcePhase = true },   // phase 1 as CDAN
            _ => new ShotIm.Options { SourceFraction = 0.4 },
        };
        var options = Small with { Epochs = 6, StepsPerEpoch = 25, Method = method };
        Seeding.SeedEverything(0);
        using var network = new AdaptationNetwork(ModelZoo.Create(new ModelSpec("mlp", [4], 2)), options.Bottleneck);
        var step = method.Method.CreateStep(network, options.Method);
        // SHOT clusters the whole target set: it is given one without labels.
        using var unlabelledTarget = target.WithoutLabels();
        (step as IUnlabelledTargetSet)?.SetTarget(unlabelledTarget);
        using var poison = full([32, 4], float.NaN);
        using var badLabels = full([32], -1L, ScalarType.Int64);
        using var sourceBatches = new CyclingBatches(source, 32, 1);
        using var targetBatches = new CyclingBatches(target.WithoutLabels(), 32, 2);
        Dictionary<string, Tensor>? headAfterSource = null;
        double beforeAdaptation = double.NaN;
        IEnumerable<AdaptationBatch> Batches(int epoch)
        {
            for (int i = 0; i < 25; i++)
            {
                using var scope = NewDisposeScope();
                bool sourceFree = (epoch - 1) * 25 + i >= 60;
                if (sourceFree && headAfterSource is null)
                {
                    headAfterSource = HeadWeights(network);
                    beforeAdaptation = Metrics.Evaluate(network, test).Accuracy;
                    network.train();
                }
                var (xs, ys) = sourceBatches.Next();
                yield return sourceFree
                    ? new AdaptationBatch(poison, badLabels, targetBatches.Next().Inputs)
                    : new AdaptationBatch(xs, ys!, targetBatches.Next().Inputs);
            }
        }
        new TrainingLoop(options).Run(step, Batches, 25);
        double after = Metrics.Evaluate(network, test).Accuracy;
        Assert.NotNull(headAfterSource);
        foreach (var (k, v) in HeadWeights(network)) Assert.True(v.equal(headAfterSource![k]).all().item<bool>(), $"head weight {k} moved in the source-free phase");
        // Measured: 96.5 % for shot-im and shot, from a source model at 62.5 %; the CDAN-trained model is already at
        // 82.3 % when the source-free phase starts, so there the test asks only that the phase does not lose.
        bool aligned = name == "shot-im-aligned";
        Assert.True(aligned || beforeAdaptation < 0.75, $"the source model: {beforeAdaptation:P1}");
        Assert.True(after > 0.85 && after > beforeAdaptation + (aligned ? 0 : 0.1), $"source-free adaptation {after:P1}, source model {beforeAdaptation:P1}");
        (step as IDisposable)?.Dispose();
    }

    private static Dictionary<string, Tensor> HeadWeights(AdaptationNetwork network) =>
        network.named_parameters().Where(p => p.name.StartsWith("head.", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());   // taken inside a batch's scope

    [Fact]
    public void Adabn_statistics_are_the_targets_own()
    {
        // A batch norm after a fixed linear map: the recomputed running mean is the mean of the target's activations,
        // the running variance their (unbiased) variance, whatever the source statistics were before.
        Seeding.SeedEverything(0);
        using var network = nn.Sequential(("fc", nn.Linear(4, 3)), ("bn", nn.BatchNorm1d(3)));
        using var source = ShiftedBlobs(200, target: false, seed: 1);
        using var target = ShiftedBlobs(256, target: true, seed: 2);
        network.train();
        using (no_grad()) for (int i = 0; i < 20; i++) network.call(source.Inputs);
        Assert.Equal(1, AdaBn.RecomputeStatistics(network, target.Inputs, batchSize: 64));
        Assert.False(network.training);
        var bn = (TorchSharp.Modules.BatchNorm)network.named_children().Single(c => c.name == "bn").module;
        using var activations = ((Module<Tensor, Tensor>)network.named_children().Single(c => c.name == "fc").module).call(target.Inputs).detach();
        Assert.True(bn.running_mean!.allclose(activations.mean([0]), rtol: 0, atol: 1e-4), "running mean");
        // Four equal batches: the average of their variances, within a few percent of the whole set's.
        Assert.True(bn.running_var!.allclose(activations.var(0), rtol: 0.1, atol: 1e-3), "running variance");
        Assert.Equal(0.1, bn.momentum!.Value, 12);
    }
}
