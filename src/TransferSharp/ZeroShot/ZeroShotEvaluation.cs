namespace TransferSharp.ZeroShot;

/// <summary>Accuracies of one class.</summary>
/// <param name="Name">Class name.</param>
/// <param name="Seen">True for a class seen in training.</param>
/// <param name="Count">Test examples of the class.</param>
/// <param name="ZeroShotAccuracy">Accuracy among the unseen classes only (null for a seen class).</param>
/// <param name="GeneralizedAccuracy">Accuracy among all classes (null when the generalized evaluation was not run).</param>
public sealed record ClassAccuracy(string Name, bool Seen, int Count, double? ZeroShotAccuracy, double? GeneralizedAccuracy);

/// <summary>The generalized zero-shot figures: seen and unseen classes compete for every test image.</summary>
/// <param name="SeenAccuracy">Per-class mean accuracy on held-out seen-class images.</param>
/// <param name="UnseenAccuracy">Per-class mean accuracy on unseen-class images.</param>
/// <param name="HarmonicMean">2·s·u / (s + u).</param>
/// <param name="Calibration">γ subtracted from seen-class scores (calibrated stacking); 0 = none.</param>
/// <param name="Confusion">Rows: true class, columns: predicted, over all dataset classes.</param>
/// <param name="Curve">Seen and unseen accuracy as γ sweeps from favouring seen to favouring unseen classes (Chao et al. 2016).</param>
/// <param name="Ausuc">Area under <paramref name="Curve"/> (unseen accuracy on x, seen on y): a summary that needs no γ.</param>
public sealed record GeneralizedScore(double SeenAccuracy, double UnseenAccuracy, double HarmonicMean, double Calibration, int[,] Confusion,
    IReadOnlyList<CalibrationPoint> Curve, double Ausuc)
{
    /// <summary>
    /// The curve point with the highest harmonic mean. Its γ is chosen on the test labels, so its H is an upper bound on
    /// what calibrated stacking can reach, not a result.
    /// </summary>
    public CalibrationPoint BestOnCurve => Curve.MaxBy(p => p.HarmonicMean)!;
}

/// <summary>One point of the seen-unseen curve: with γ subtracted from seen-class scores, the per-class mean accuracies.</summary>
public sealed record CalibrationPoint(double Gamma, double SeenAccuracy, double UnseenAccuracy, double HarmonicMean);

/// <summary>Zero-shot results of one trained model.</summary>
/// <param name="ClassNames">All dataset classes.</param>
/// <param name="Seen">Seen class indices.</param>
/// <param name="Unseen">Unseen class indices.</param>
/// <param name="UnseenAccuracy">Zero-shot per-class mean accuracy: unseen images, unseen candidates only.</param>
/// <param name="Chance">1 / number of unseen classes.</param>
/// <param name="UnseenConfusion">Rows/columns follow <paramref name="Unseen"/>.</param>
/// <param name="Generalized">The generalized figures, when evaluated.</param>
/// <param name="PerClass">One row per dataset class.</param>
public sealed record ZeroShotReport(IReadOnlyList<string> ClassNames, IReadOnlyList<int> Seen, IReadOnlyList<int> Unseen,
    double UnseenAccuracy, double Chance, int[,] UnseenConfusion, GeneralizedScore? Generalized, IReadOnlyList<ClassAccuracy> PerClass)
{
    /// <summary>The headline numbers, flat (what metrics.json and the benchmarks read); generalized ones null when not evaluated.</summary>
    public ZeroShotMetrics Metrics => new(UnseenAccuracy, Chance, Generalized?.SeenAccuracy, Generalized?.UnseenAccuracy, Generalized?.HarmonicMean,
        Generalized?.Ausuc, Generalized?.BestOnCurve.HarmonicMean, Generalized?.BestOnCurve.Gamma);
}

/// <summary>The headline numbers of a <see cref="ZeroShotReport"/>; the generalized ones are null when not evaluated.</summary>
/// <param name="UnseenAccuracy">Zero-shot per-class mean accuracy on the unseen classes.</param>
/// <param name="Chance">1 / number of unseen classes.</param>
/// <param name="GeneralizedSeenAccuracy">Generalized: per-class mean accuracy on held-out seen-class images.</param>
/// <param name="GeneralizedUnseenAccuracy">Generalized: per-class mean accuracy on unseen-class images.</param>
/// <param name="GeneralizedHarmonicMean">Generalized: harmonic mean of the two.</param>
/// <param name="GeneralizedAusuc">Area under the seen-unseen curve.</param>
/// <param name="GeneralizedBestHarmonicMeanOnTest">Highest H on the curve (γ picked on test labels: an upper bound).</param>
/// <param name="GeneralizedBestGammaOnTest">The γ of that point.</param>
public sealed record ZeroShotMetrics(double UnseenAccuracy, double Chance, double? GeneralizedSeenAccuracy, double? GeneralizedUnseenAccuracy,
    double? GeneralizedHarmonicMean, double? GeneralizedAusuc, double? GeneralizedBestHarmonicMeanOnTest, double? GeneralizedBestGammaOnTest);

/// <summary>
/// Zero-shot evaluation: per-class mean accuracy on unseen classes, and the generalized setting (Xian et al. 2018)
/// where seen and unseen classes are all candidates, reporting accuracy on seen (s), on unseen (u) and their harmonic
/// mean H = 2su/(s+u), with optional calibrated stacking (Chao et al. 2016: subtract γ from every seen-class score).
/// </summary>
public static class ZeroShotEvaluation
{
    /// <summary>Evaluates <paramref name="model"/> on a split; <paramref name="descriptions"/> are aligned to the dataset's classes.</summary>
    public static ZeroShotReport Evaluate(ZeroShotModel model, ZeroShotSplit split, ClassDescriptions descriptions, bool generalized = true, double calibration = 0)
    {
        var names = split.UnseenTest.ClassNames;
        if (descriptions.Count != names.Count)
            throw new ArgumentException($"{descriptions.Source}: {descriptions.Count} descriptions for {names.Count} dataset classes; align them with ClassDescriptions.For");
        var unseen = split.Unseen;
        var unseenTruth = split.UnseenTest.LabelArray();

        // Every method scores a class from its description alone, so one pass over all K descriptions serves both
        // settings: zero-shot keeps the unseen columns, generalized keeps them all.
        var all = Enumerable.Range(0, names.Count).ToArray();
        var unseenScores = model.Score(split.UnseenTest, descriptions);                          // [N_u, K]
        var zslPredicted = Predict(Columns(unseenScores, unseen), unseen.ToArray(), seenColumns: null, 0);
        var zslPerClass = PerClassAccuracy(unseenTruth, zslPredicted, unseen);
        var zslConfusion = Confusion(unseenTruth, zslPredicted, unseen);

        GeneralizedScore? gzsl = null;
        double[]? gzslPerClass = null;
        if (generalized)
        {
            var isSeen = all.Select(c => split.Seen.Contains(c)).ToArray();
            var seenTruth = split.SeenTest.LabelArray();
            var seenScores = model.Score(split.SeenTest, descriptions);
            var seenPredicted = Predict(seenScores, all, isSeen, calibration);
            var unseenPredicted = Predict(unseenScores, all, isSeen, calibration);
            var curve = SeenUnseenCurve(seenScores, seenTruth, unseenScores, unseenTruth, split.Seen.ToArray(), unseen.ToArray());
            var truth = seenTruth.Concat(unseenTruth).ToArray();
            var predicted = seenPredicted.Concat(unseenPredicted).ToArray();
            gzslPerClass = PerClassAccuracy(truth, predicted, all);
            double s = Mean(split.Seen.Select(c => gzslPerClass[c])), u = Mean(unseen.Select(c => gzslPerClass[c]));
            gzsl = new GeneralizedScore(s, u, HarmonicMean(s, u), calibration, Confusion(truth, predicted, all), curve, Ausuc(curve));
        }

        var counts = new int[names.Count];
        foreach (var y in split.SeenTest.LabelArray().Concat(unseenTruth)) counts[y]++;
        var perClass = Enumerable.Range(0, names.Count).Select(c =>
        {
            int u = Array.IndexOf(unseen.ToArray(), c);
            return new ClassAccuracy(names[c], u < 0, counts[c], u >= 0 ? zslPerClass[u] : null, gzslPerClass?[c]);
        }).ToArray();
        return new ZeroShotReport(names, split.Seen, unseen, Mean(zslPerClass), 1.0 / unseen.Count, zslConfusion, gzsl, perClass);
    }

    /// <summary>
    /// For each row of <paramref name="scores"/> <c>[N, |candidates|]</c>, the candidate class with the highest score,
    /// after subtracting <paramref name="calibration"/> from the columns marked in <paramref name="seenColumns"/>.
    /// </summary>
    public static int[] Predict(float[,] scores, int[] candidates, bool[]? seenColumns, double calibration)
    {
        int n = scores.GetLength(0), k = scores.GetLength(1);
        if (k != candidates.Length) throw new ArgumentException($"{k} score columns for {candidates.Length} candidate classes");
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            double bestScore = double.NegativeInfinity;
            for (int j = 0; j < k; j++)
            {
                double v = scores[i, j] - (seenColumns is not null && seenColumns[j] ? calibration : 0);
                if (v > bestScore) { bestScore = v; best = j; }
            }
            result[i] = candidates[best];
        }
        return result;
    }

    /// <summary>Accuracy of each class in <paramref name="classes"/> (NaN for a class without examples).</summary>
    public static double[] PerClassAccuracy(long[] truth, int[] predicted, IReadOnlyList<int> classes)
    {
        if (truth.Length != predicted.Length) throw new ArgumentException($"{truth.Length} labels but {predicted.Length} predictions");
        var acc = new double[classes.Count];
        for (int j = 0; j < classes.Count; j++)
        {
            int total = 0, right = 0;
            for (int i = 0; i < truth.Length; i++)
                if (truth[i] == classes[j]) { total++; if (predicted[i] == classes[j]) right++; }
            acc[j] = total == 0 ? double.NaN : right / (double)total;
        }
        return acc;
    }

    /// <summary>
    /// Seen and unseen per-class mean accuracy for every calibration γ at which a prediction changes, from γ = −∞ (only
    /// seen classes predicted) to +∞ (only unseen), ordered by rising unseen accuracy; at most about
    /// <paramref name="maxPoints"/> points. Scores are <c>[N, K]</c> over all dataset classes; truths are class indices.
    /// </summary>
    /// <remarks>
    /// An image's prediction only switches between its best seen and its best unseen class, at γ = (best seen score −
    /// best unseen score); so an image of a seen class is right while γ is below its gap (if its class leads the seen
    /// ones), and an image of an unseen class while γ is at or above it (if its class leads the unseen ones).
    /// </remarks>
    public static IReadOnlyList<CalibrationPoint> SeenUnseenCurve(float[,] seenScores, long[] seenTruth, float[,] unseenScores,
        long[] unseenTruth, int[] seen, int[] unseen, int maxPoints = 200)
    {
        var gaps = new List<double>();
        var items = new List<(int Class, bool IsSeen, bool LeadsGroup, double Gap)>();
        void Add(float[,] scores, long[] truth)
        {
            for (int i = 0; i < truth.Length; i++)
            {
                int bestSeen = seen.MaxBy(c => scores[i, c]), bestUnseen = unseen.MaxBy(c => scores[i, c]);
                double gap = scores[i, bestSeen] - (double)scores[i, bestUnseen];
                int c = (int)truth[i];
                bool isSeen = seen.Contains(c);
                items.Add((c, isSeen, c == (isSeen ? bestSeen : bestUnseen), gap));
                gaps.Add(gap);
            }
        }
        Add(seenScores, seenTruth);
        Add(unseenScores, unseenTruth);
        // Thresholds halfway between neighbouring gaps (never on one, where rounding would decide), plus the extremes.
        var distinct = gaps.Distinct().Order().ToArray();
        var gammas = new List<double> { double.NegativeInfinity };
        int step = Math.Max(1, distinct.Length / maxPoints);
        for (int i = 0; i + 1 < distinct.Length; i += step) gammas.Add((distinct[i] + distinct[i + 1]) / 2);
        gammas.Add(double.PositiveInfinity);

        var totals = new Dictionary<int, int>();
        foreach (var it in items) totals[it.Class] = totals.GetValueOrDefault(it.Class) + 1;
        var points = new List<CalibrationPoint>();
        foreach (var g in gammas)
        {
            var right = new Dictionary<int, int>();
            foreach (var it in items)
            {
                // Predict(...) picks the seen class when (best seen − γ) > best unseen, i.e. gap > γ.
                bool picksSeen = it.Gap > g;
                if (it.LeadsGroup && picksSeen == it.IsSeen) right[it.Class] = right.GetValueOrDefault(it.Class) + 1;
            }
            double s = seen.Where(totals.ContainsKey).Average(c => right.GetValueOrDefault(c) / (double)totals[c]);
            double u = unseen.Where(totals.ContainsKey).Average(c => right.GetValueOrDefault(c) / (double)totals[c]);
            points.Add(new CalibrationPoint(g, s, u, HarmonicMean(s, u)));
        }
        return points.OrderBy(p => p.UnseenAccuracy).ThenByDescending(p => p.SeenAccuracy).ToArray();
    }

    /// <summary>Area under the seen-unseen curve (trapezoids over unseen accuracy), in [0, 1].</summary>
    public static double Ausuc(IReadOnlyList<CalibrationPoint> curve)
    {
        double area = 0;
        for (int i = 1; i < curve.Count; i++)
            area += (curve[i].UnseenAccuracy - curve[i - 1].UnseenAccuracy) * (curve[i].SeenAccuracy + curve[i - 1].SeenAccuracy) / 2;
        return area;
    }

    /// <summary>The harmonic mean 2su/(s+u) of seen and unseen accuracy (0 when both are 0).</summary>
    public static double HarmonicMean(double seen, double unseen) => seen + unseen <= 0 ? 0 : 2 * seen * unseen / (seen + unseen);

    /// <summary>Counts <c>[|classes|, |classes|]</c>: rows true class, columns predicted, both in the order of <paramref name="classes"/>.</summary>
    public static int[,] Confusion(long[] truth, int[] predicted, IReadOnlyList<int> classes)
    {
        var at = new Dictionary<long, int>();
        for (int j = 0; j < classes.Count; j++) at[classes[j]] = j;
        var m = new int[classes.Count, classes.Count];
        for (int i = 0; i < truth.Length; i++)
            if (at.TryGetValue(truth[i], out int r) && at.TryGetValue(predicted[i], out int c)) m[r, c]++;
        return m;
    }

    private static float[,] Columns(float[,] scores, IReadOnlyList<int> columns)
    {
        var result = new float[scores.GetLength(0), columns.Count];
        for (int i = 0; i < scores.GetLength(0); i++)
            for (int j = 0; j < columns.Count; j++) result[i, j] = scores[i, columns[j]];
        return result;
    }

    private static double Mean(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        return v.Length == 0 ? double.NaN : v.Average();
    }
}
