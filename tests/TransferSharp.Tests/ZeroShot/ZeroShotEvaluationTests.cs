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

public sealed class SeenUnseenCurveTests
{
    [Fact]
    public void Every_curve_point_matches_calibrated_prediction_at_its_gamma()
    {
        var rng = new Random(3);
        int[] seen = [0, 1, 3], unseen = [2, 4];
        (float[,] Scores, long[] Truth) Make(int n, int[] classes)
        {
            var s = new float[n, 5];
            var t = new long[n];
            for (int i = 0; i < n; i++)
            {
                t[i] = classes[i % classes.Length];
                for (int k = 0; k < 5; k++) s[i, k] = (float)rng.NextDouble() + (k == t[i] ? 0.4f : 0) + (seen.Contains(k) ? 0.3f : 0);
            }
            return (s, t);
        }
        var (ss, st) = Make(60, seen);
        var (us, ut) = Make(40, unseen);
        var curve = ZeroShotEvaluation.SeenUnseenCurve(ss, st, us, ut, seen, unseen);
        Assert.True(curve.Count > 10);
        int[] all = [0, 1, 2, 3, 4];
        bool[] isSeen = all.Select(c => seen.Contains(c)).ToArray();
        foreach (var p in curve.Where(p => double.IsFinite(p.Gamma)))
        {
            var truth = st.Concat(ut).ToArray();
            var predicted = ZeroShotEvaluation.Predict(ss, all, isSeen, p.Gamma).Concat(ZeroShotEvaluation.Predict(us, all, isSeen, p.Gamma)).ToArray();
            var acc = ZeroShotEvaluation.PerClassAccuracy(truth, predicted, all);
            Assert.Equal(seen.Average(c => acc[c]), p.SeenAccuracy, 9);
            Assert.Equal(unseen.Average(c => acc[c]), p.UnseenAccuracy, 9);
        }
        // The ends: γ = −∞ predicts only seen classes, +∞ only unseen ones.
        Assert.Equal(0, curve[0].UnseenAccuracy);
        Assert.Equal(0, curve[^1].SeenAccuracy);
        double area = ZeroShotEvaluation.Ausuc(curve);
        Assert.InRange(area, 0.05, 1);
        Assert.True(area <= curve.Max(p => p.SeenAccuracy) * curve.Max(p => p.UnseenAccuracy) + 1e-12);
    }
}
