using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Training;
using static TransferSharp.Tests.DomainAdaptation.DomainAdaptationTrainerTests;

namespace TransferSharp.Tests.DomainAdaptation;

[Collection("Sequential")]
public sealed class LabelFreeValidatorTests
{
    [Fact]
    public void Validators_rank_clean_confident_clusters_above_scattered_predictions()
    {
        // 200 target examples of 5 classes. Known good: every example confidently in its own class's corner (logit 6 on
        // its class, noise 0.3). Known bad: predictions scattered over the simplex (logits N(0, 1.5²)).
        var gen = new Generator().manual_seed(7);
        using var classes = arange(200, dtype: ScalarType.Int64) % 5;
        using var good = functional.one_hot(classes, 5).to_type(ScalarType.Float32) * 6 + randn(200, 5, generator: gen) * 0.3;
        using var bad = randn(200, 5, generator: gen) * 1.5;
        var g = LabelFreeValidators.Score(good);
        var b = LabelFreeValidators.Score(bad);
        Assert.True(g.Entropy < b.Entropy, $"entropy: good {g.Entropy:F3}, bad {b.Entropy:F3}");
        Assert.True(g.InformationMaximisation > b.InformationMaximisation, $"IM: good {g.InformationMaximisation:F3}, bad {b.InformationMaximisation:F3}");
        Assert.True(g.Snd > b.Snd, $"SND: good {g.Snd:F3}, bad {b.Snd:F3}");
        // The ranges: entropy in [0, log 5], IM in [−log 5, log 5], SND in [0, log 199].
        foreach (var s in new[] { g, b })
        {
            Assert.InRange(s.Entropy, 0, Math.Log(5));
            Assert.InRange(s.InformationMaximisation, -Math.Log(5), Math.Log(5));
            Assert.InRange(s.Snd, 0, Math.Log(199));
        }
    }

    [Fact]
    public void Information_maximisation_ranks_adapted_networks_above_source_only_on_the_shifted_blobs()
    {
        // Measured (seed 0, last epoch): IM 0.286 source only (65.0 %), 0.633 MCC (88.5 %), 0.480 SHOT-IM (96.3 %). Entropy
        // and SND rank the other way on this pair (source only is confidently wrong: entropy 0.140 against 0.213 for
        // SHOT-IM), the failure Musgrave et al. report for them; this test holds IM to what it did here.
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var test = ShiftedBlobs(400, target: true, seed: 3);
        var (_, sourceOnly) = Run(Small with { Method = new SourceOnly.Options() }, source, target, test);
        foreach (var m in new AdaptationMethodOptions[] { new Mcc.Options(), new ShotIm.Options() })
        {
            var (acc, adapted) = Run(Small with { Method = m }, source, target, test);
            Assert.True(adapted.Final.InformationMaximisation > sourceOnly.Final.InformationMaximisation + 0.1,
                $"{m.Name} ({acc:P1}): IM {adapted.Final.InformationMaximisation:F3}, source only {sourceOnly.Final.InformationMaximisation:F3}");
            adapted.Network.Dispose();
        }
        sourceOnly.Network.Dispose();
    }

    [Fact]
    public void The_experiment_reports_the_information_maximisation_gain_over_source_only()
    {
        // MCC gains over source only on the shifted blobs (see the test above); the label-free check says so too, and is
        // the kept epoch's score minus the baseline's last.
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var pair = DomainPair.Create(source, target, 0.2, seed: 0);
        var options = new AdaptationExperimentOptions { Training = Small with { Method = new Mcc.Options() }, FeatureMapPoints = 0 };
        using var report = AdaptationExperiment.Run(pair, new TransferSharp.Models.ModelSpec("mlp", [4], 2), options);
        var m = report.Metrics;
        Assert.True(m.GainOverSourceOnly > 0.1, $"accuracy gain {m.GainOverSourceOnly:P1}");
        Assert.NotNull(m.InformationMaximisationGain);
        Assert.True(m.InformationMaximisationGain > 0, $"IM gain {m.InformationMaximisationGain:F3}");
        Assert.Equal(report.History[report.SelectedEpoch - 1].InformationMaximisation - report.SourceOnlyHistory![^1].InformationMaximisation,
            m.InformationMaximisationGain!.Value, 9);
        // Without a baseline there is nothing to compare with.
        using var alone = AdaptationExperiment.Run(pair, new TransferSharp.Models.ModelSpec("mlp", [4], 2), options with { Baseline = false });
        Assert.Null(alone.Metrics.InformationMaximisationGain);
    }

    [Fact]
    public void The_validators_score_a_sample_of_every_part_of_a_target_stored_class_by_class()
    {
        // A target stored class by class (as the built-in MNIST family is): 100 of class 0, then 100 of class 1. Scoring
        // the first 40 would see class 0 only, so the mean prediction would have no spread (IM <= 0); a random sample
        // sees both classes, and a network that separates them scores IM near log 2 = 0.69.
        using var blobs = TestData.Blobs(100, 2, 4, seed: 5);
        using var sorted = blobs.Subset([.. Enumerable.Range(0, 100).Select(i => 2L * i), .. Enumerable.Range(0, 100).Select(i => 2L * i + 1)]);
        using var source = TestData.Blobs(100, 2, 4, seed: 6);
        Assert.Equal(0, sorted.Labels![..40].max().item<long>());
        var (accuracy, result) = Run(Small with { Method = new SourceOnly.Options(), ValidatorExamples = 40 }, source, sorted, sorted);
        Assert.True(accuracy > 0.9, $"accuracy {accuracy:P1}");
        Assert.True(result.Final.InformationMaximisation > 0.4, $"IM {result.Final.InformationMaximisation:F3} (log 2 = 0.693)");
        result.Network.Dispose();
    }

    [Theory]
    [InlineData(ModelSelection.SourceAccuracy)]
    [InlineData(ModelSelection.Entropy)]
    [InlineData(ModelSelection.Im)]
    [InlineData(ModelSelection.Snd)]
    [InlineData(ModelSelection.Dev)]
    public void Selection_keeps_the_validators_epoch_and_never_reads_target_labels(ModelSelection select)
    {
        using var source = ShiftedBlobs(400, target: false, seed: 1);
        using var target = ShiftedBlobs(400, target: true, seed: 2);
        using var test = ShiftedBlobs(400, target: true, seed: 3);
        var perm = randperm(400, generator: new Generator().manual_seed(3));
        using var shuffledTarget = new Dataset("shuffled", target.Inputs.clone(), target.Labels![perm].contiguous(), target.ClassNames, "labels shuffled");
        using var shuffledTest = new Dataset("shuffled test", test.Inputs.clone(), test.Labels![perm].contiguous(), test.ClassNames, "labels shuffled");
        // CDAN's target accuracy moves up and down over the 6 epochs here (88.7, 88.2, 53.0, 64.7, 84.5, 86.3 % at seed 0).
        var options = Small with { Method = new Cdan.Options { DiscriminatorWidth = 64, ReversalCoefficient = 1 }, Select = select };
        var a = RunWithSourceValidation(options, source, target, test);
        double acc = Metrics.Evaluate(a.Network, test).Accuracy;
        var b = RunWithSourceValidation(options, source, shuffledTarget, shuffledTest);
        var scored = a.History.Select(h => LabelFreeValidators.SelectionScore(select, h)!.Value).ToArray();
        Assert.Equal(Array.IndexOf(scored, scored.Max()) + 1, a.SelectedEpoch);
        Assert.Equal(a.SelectedEpoch, b.SelectedEpoch);
        Assert.Equal(a.History.Select(h => (h.TargetEntropy, h.Snd, h.SourceAccuracy, h.DevRisk)), b.History.Select(h => (h.TargetEntropy, h.Snd, h.SourceAccuracy, h.DevRisk)));
        Assert.All(a.History, h => Assert.True(double.IsFinite(h.DevRisk), $"epoch {h.Epoch}: DEV risk {h.DevRisk}"));
        // The kept network is the selected epoch's: its target accuracy is the one logged for that epoch.
        Assert.Equal(a.History[a.SelectedEpoch - 1].TargetAccuracy!.Value, acc, 6);
        a.Network.Dispose();
        b.Network.Dispose();
    }

    private static AdaptationResult RunWithSourceValidation(AdaptationOptions options, Dataset source, Dataset target, Dataset test)
    {
        Seeding.SeedEverything(options.Seed);
        var model = TransferSharp.Models.ModelZoo.Create(new TransferSharp.Models.ModelSpec("mlp", [4], 2));
        return new DomainAdaptationTrainer(options).Fit(model, source, target, source, test);
    }
}
