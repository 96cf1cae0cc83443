using TransferSharp.Data;
using TransferSharp.ZeroShot;
using static TransferSharp.Tests.ZeroShot.ZeroShotMethodsTests;

namespace TransferSharp.Tests.ZeroShot;

/// <summary>ESZSL's closed form and the calibration γ chosen on seen classes only.</summary>
[Collection("Sequential")]
public sealed class EszslAndCalibrationTests
{
    [Fact]
    public void Eszsl_closed_form_solves_the_papers_normal_equations_and_equals_the_explicit_inverses()
    {
        // A tiny case: 12 examples with 5 features, 4 classes described by 3 attributes; float64 throughout.
        var rng = new Random(7);
        double[] Draw(int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        using var x = tensor(Draw(12 * 5), [12, 5]);
        using var y = EszslTrainer_Targets(Enumerable.Range(0, 12).Select(i => (long)(i % 4)).ToArray(), 4);
        using var s = tensor(Draw(4 * 3), [4, 3]);
        double gamma = 0.5, lambda = 2;
        using var v = EszslTrainer.ClosedForm(x, y, s, gamma, lambda);
        Assert.Equal([5L, 3L], v.shape);
        // The minimiser of ||X V Sᵀ − Y||² + γ||V Sᵀ||² + λ||X V||² + γλ||V||² satisfies (XᵀX + γI) V (SᵀS + λI) = Xᵀ Y S.
        using var lhs = (x.t().matmul(x) + gamma * eye(5, dtype: ScalarType.Float64)).matmul(v).matmul(s.t().matmul(s) + lambda * eye(3, dtype: ScalarType.Float64));
        using var rhs = x.t().matmul(y).matmul(s);
        Assert.True(lhs.allclose(rhs, rtol: 1e-9, atol: 1e-10), "normal equations do not hold");
        // The paper's formula written with explicit inverses.
        using var direct = linalg.inv(x.t().matmul(x) + gamma * eye(5, dtype: ScalarType.Float64)).matmul(x.t()).matmul(y).matmul(s)
            .matmul(linalg.inv(s.t().matmul(s) + lambda * eye(3, dtype: ScalarType.Float64)));
        Assert.True(v.allclose(direct, rtol: 1e-9, atol: 1e-10), "differs from the explicit-inverse formula");
    }

    private static Tensor EszslTrainer_Targets(long[] labels, int classes)
    {
        // Y of the paper: +1 at the example's class, −1 elsewhere (written out here, not taken from the code under test).
        var y = new double[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++)
            for (int c = 0; c < classes; c++) y[i * classes + c] = labels[i] == c ? 1 : -1;
        return tensor(y, [labels.Length, classes]);
    }

    [Fact]
    public void Eszsl_recognises_unseen_classes_far_above_chance_when_attributes_determine_the_class()
    {
        using var data = AttributeData(60, seed: 8);
        var outcome = ZeroShotExperiment.Run(data, Descriptions(), Unseen, ZeroShotMethod.Eszsl, Options with { Epochs = 5 },
            new ZeroShotEvaluationOptions { Generalized = false });
        using var model = outcome.Model;
        Assert.True(outcome.Report.UnseenAccuracy > 0.7, $"ESZSL unseen accuracy {outcome.Report.UnseenAccuracy:P1}, chance 33%");
        Assert.Contains(((EszslModel)model).Gamma, EszslTrainer.Grid);
    }

    [Fact]
    public void Calibration_is_chosen_on_seen_classes_and_shuffling_unseen_labels_changes_nothing()
    {
        using var data = AttributeData(40, seed: 9);
        // The same images with the unseen classes' labels shuffled among their images (seen labels untouched).
        var labels = data.LabelArray();
        var unseenRows = Enumerable.Range(0, labels.Length).Where(i => Unseen.Contains((int)labels[i])).ToArray();
        var shuffled = unseenRows.Select(i => labels[i]).ToArray();
        new Random(3).Shuffle(shuffled);
        var relabelled = (long[])labels.Clone();
        for (int j = 0; j < unseenRows.Length; j++) relabelled[unseenRows[j]] = shuffled[j];
        Assert.NotEqual(labels, relabelled);
        using var other = new Dataset("attributes", data.Inputs.alias(), tensor(relabelled), data.ClassNames, "synthetic, unseen labels shuffled");

        var options = Options with { Epochs = 2 };
        var a = ZeroShotExperiment.Run(data, Descriptions(), Unseen, ZeroShotMethod.Embedding, options);
        var b = ZeroShotExperiment.Run(other, Descriptions(), Unseen, ZeroShotMethod.Embedding, options);
        a.Model.Dispose();
        b.Model.Dispose();
        Assert.Equal("seen-validation", a.Calibration!.ChosenOn);
        Assert.Equal(a.Calibration.Gamma, b.Calibration!.Gamma);
        Assert.Equal(a.Report.Generalized!.Calibration, a.Calibration.Gamma);
        // Only seen classes play unseen in the validation split.
        Assert.All(a.Calibration.ValidationUnseen, n => Assert.DoesNotContain(Array.IndexOf(data.ClassNames.ToArray(), n), Unseen));
        Assert.Equal(Unseen.Length, a.Calibration.ValidationUnseen.Count);
    }
}
