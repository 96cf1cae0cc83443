using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.ZeroShot;

public sealed class ZeroShotEvaluationTests
{
    [Fact]
    public void Calibrated_stacking_subtracts_gamma_from_seen_scores_only()
    {
        // Classes 0 and 1 seen, 2 unseen.
        float[,] scores = { { 1.0f, 0.2f, 0.8f }, { 0.1f, 0.9f, 0.3f } };
        int[] all = [0, 1, 2];
        bool[] seen = [true, true, false];
        Assert.Equal([0, 1], ZeroShotEvaluation.Predict(scores, all, seen, 0));
        Assert.Equal([2, 1], ZeroShotEvaluation.Predict(scores, all, seen, 0.3));   // 0.7 < 0.8; 0.6 > 0.3
        Assert.Equal([2, 2], ZeroShotEvaluation.Predict(scores, all, seen, 1.0));
    }

    [Fact]
    public void Per_class_accuracy_and_harmonic_mean()
    {
        long[] truth = [0, 0, 0, 0, 1, 1, 2];
        int[] predicted = [0, 0, 0, 1, 0, 1, 2];
        var acc = ZeroShotEvaluation.PerClassAccuracy(truth, predicted, [0, 1, 2, 3]);
        Assert.Equal(0.75, acc[0]);
        Assert.Equal(0.5, acc[1]);
        Assert.Equal(1.0, acc[2]);
        Assert.True(double.IsNaN(acc[3]));
        Assert.Equal(2 * 0.8 * 0.2 / 1.0, ZeroShotEvaluation.HarmonicMean(0.8, 0.2), 12);
        Assert.Equal(0, ZeroShotEvaluation.HarmonicMean(0.9, 0));
        var m = ZeroShotEvaluation.Confusion(truth, predicted, [0, 1]);
        Assert.Equal(3, m[0, 0]);
        Assert.Equal(1, m[0, 1]);
        Assert.Equal(1, m[1, 0]);
    }
}
