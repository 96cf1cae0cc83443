using TransferSharp.DomainAdaptation;
using TransferSharp.Training;
using static TransferSharp.Tests.DomainAdaptation.DomainAdaptationTrainerTests;

namespace TransferSharp.Tests.DomainAdaptation;

[Collection("Sequential")]
public sealed class DeepEmbeddedValidationTests
{
    [Fact]
    public void Control_variate_risk_matches_the_formula_worked_by_hand()
    {
        // w = (1, 3), ℓ = (2, 1): L_w = (2, 3), mean 2.5; mean w = 2; Cov(L_w, w) = 1, Var(w) = 2 (n − 1);
        // η = −1/2; risk = 2.5 − 0.5·2 + 0.5 = 2.0.
        using var w = tensor(new[] { 1.0, 3.0 });
        using var l = tensor(new[] { 2.0, 1.0 });
        Assert.Equal(2.0, DeepEmbeddedValidation.ControlVariateRisk(w, l), 5);
        // Equal weights: no variance to correct, the risk is the plain mean loss.
        using var ones4 = ones(4, dtype: ScalarType.Float64);
        using var l4 = tensor(new[] { 0.0, 1.0, 2.0, 5.0 });
        Assert.Equal(2.0, DeepEmbeddedValidation.ControlVariateRisk(ones4, l4), 6);
    }

    [Fact]
    public void Dev_ranks_the_checkpoint_that_is_right_where_the_target_lies_above_one_equally_good_on_the_source()
    {
        // Features in 2-D: source N(0, I), target N((1.5, 0), I). Two "checkpoints" with the same mean source loss
        // (0.3): the good one errs only where x0 < 0 (rare in the target: true target risk 0.1 + 0.4·Φ(−1.5) ≈ 0.127),
        // the bad one only where x0 > 0 (true target risk ≈ 0.473). Source accuracy cannot tell them apart; DEV must.
        var gen = new Generator().manual_seed(11);
        using var source = randn(1000, 2, generator: gen);
        using var target = randn(1000, 2, generator: gen) + tensor(new float[] { 1.5f, 0 });
        using var validation = randn(2000, 2, generator: gen);
        using var positive = validation[.., 0] > 0;
        using var good = where(positive, 0.1, 0.5);
        using var bad = where(positive, 0.5, 0.1);

        using var w = DeepEmbeddedValidation.DensityRatios(source, target, validation);
        // The true ratio exp(1.5·x0 − 1.125) has mean 1 under the source and grows with x0.
        Assert.InRange(w.mean().item<double>(), 0.6, 1.6);
        Assert.True(w[positive].mean().item<double>() > 3 * w[~positive].mean().item<double>(), "the ratios should favour x0 > 0");

        double riskGood = DeepEmbeddedValidation.Risk(source, target, validation, good);
        double riskBad = DeepEmbeddedValidation.Risk(source, target, validation, bad);
        Assert.True(riskGood < 0.25 && riskBad > 0.35, $"DEV risk: good {riskGood:F3} (true ≈ 0.127), bad {riskBad:F3} (true ≈ 0.473); unweighted both 0.3");
    }

    [Fact]
    public void Without_a_dev_risk_the_last_epoch_is_kept_and_reported()
    {
        using var source = ShiftedBlobs(100, target: false, seed: 1);
        using var target = ShiftedBlobs(100, target: true, seed: 2);
        using var one = source.Subset([0]);
        var options = Small with { Epochs = 2, StepsPerEpoch = 2, Select = ModelSelection.Dev };
        Seeding.SeedEverything(options.Seed);
        var model = TransferSharp.Models.ModelZoo.Create(new TransferSharp.Models.ModelSpec("mlp", [4], 2));
        var result = new DomainAdaptationTrainer(options).Fit(model, source, target, one, target);
        Assert.All(result.History, h => Assert.True(double.IsNaN(h.DevRisk)));
        Assert.Equal(2, result.SelectedEpoch);
        Assert.Equal(result.History[^1].TargetAccuracy!.Value, TransferSharp.Evaluation.Metrics.Evaluate(result.Network, target).Accuracy, 6);
        result.Network.Dispose();
    }

    [Fact]
    public void Dev_needs_a_source_validation_set_to_select()
    {
        using var source = ShiftedBlobs(100, target: false, seed: 1);
        using var target = ShiftedBlobs(100, target: true, seed: 2);
        var options = Small with { Epochs = 1, StepsPerEpoch = 2, Select = ModelSelection.Dev };
        var e = Assert.Throws<ArgumentException>(() => Run(options, source, target, target));
        Assert.Contains("source validation", e.Message);
        Assert.Contains(new AdaptationOptions { Select = ModelSelection.Dev, ValidatorExamples = 0 }.Validate(), x => x.Field == "Select");
    }
}
