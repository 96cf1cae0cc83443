using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;
using static TransferSharp.Tests.DomainAdaptation.DomainAdaptationTrainerTests;

namespace TransferSharp.Tests.DomainAdaptation;

/// <summary>MCC, SHOT-IM and AdaBN on the shifted blobs of <see cref="DomainAdaptationTrainerTests"/>.</summary>
[Collection("Sequential")]
public sealed class NewAdaptationMethodsTests
{
    [Theory]
    // Measured at seeds 0, 1, 2 (6 epochs of 25 steps): source only 65.0, 65.5, 64.5 %; MCC 88.5, 89.0, 89.0 %;
    // SHOT-IM 96.3, 95.3, 96.8 %; AdaBN 88.2, 88.5, 88.2 %. Chance is 50 %.
    [InlineData("mcc", 0.8)]
    [InlineData("shot-im", 0.85)]
    [InlineData("adabn", 0.8)]
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
    public void Shot_im_adapts_with_no_source_data_and_a_frozen_head()
    {
        // The step driven directly by the training loop: 60 steps of real source + target batches, then 90 steps whose
        // "source" is NaN images with label −1. Any read of them would make the loss or the weights NaN (the loop
        // throws) or fail in the cross-entropy; only the target batches can move the network.
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var test = ShiftedBlobs(400, target: true, seed: 3);
        var options = Small with { Epochs = 6, StepsPerEpoch = 25, Method = new ShotIm.Options { SourceFraction = 0.4 } };
        Seeding.SeedEverything(0);
        using var network = new AdaptationNetwork(ModelZoo.Create(new ModelSpec("mlp", [4], 2)), options.Bottleneck);
        var step = ShotIm.Method.CreateStep(network, options.Method);
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
        Assert.True(beforeAdaptation < 0.75, $"the source model: {beforeAdaptation:P1}");
        Assert.True(after > 0.85 && after > beforeAdaptation + 0.1, $"source-free adaptation {after:P1}, source model {beforeAdaptation:P1}");
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
