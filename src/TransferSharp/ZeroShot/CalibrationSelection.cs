using TransferSharp.Data;

namespace TransferSharp.ZeroShot;

/// <summary>How the generalized evaluation's calibration γ was set.</summary>
/// <param name="Gamma">γ subtracted from every seen-class score.</param>
/// <param name="ChosenOn">"seen-validation" (chosen as below), "given" (by the caller) or "none" (too few seen classes to choose; γ = 0).</param>
/// <param name="ValidationUnseen">The seen classes that played unseen during the choice.</param>
/// <param name="ValidationHarmonicMean">H at γ on that validation split.</param>
public sealed record CalibrationChoice(double Gamma, string ChosenOn, IReadOnlyList<string> ValidationUnseen, double? ValidationHarmonicMean);

/// <summary>
/// Chooses calibrated stacking's γ (Chao et al. 2016) without looking at an unseen class: some seen classes play
/// unseen, the method is trained on the rest, and γ is the point of that validation split's seen-unseen curve with the
/// highest harmonic mean. Only the seen classes' training images and descriptions are read.
/// </summary>
/// <remarks>
/// As many seen classes play unseen as there are real unseen classes (only their number is used), but at least one
/// and leaving at least two to train on; they are drawn with the options' seed. The validation model is trained with
/// the same options as the real one, so the run costs about twice the training time.
/// </remarks>
public static class CalibrationSelection
{
    /// <summary>
    /// γ for a method trained on <paramref name="seenTrain"/> (classes described, in order, by <paramref name="seen"/>).
    /// </summary>
    /// <param name="seenTrain">The seen classes' training images, labelled 0..S−1.</param>
    /// <param name="seen">Their descriptions, aligned.</param>
    /// <param name="unseenCount">How many classes the real evaluation holds out.</param>
    /// <param name="method">The method.</param>
    /// <param name="options">The method's options (its seed draws the validation classes).</param>
    /// <param name="cancellation">Stops training.</param>
    public static CalibrationChoice Choose(Dataset seenTrain, ClassDescriptions seen, int unseenCount, ZeroShotMethod method,
        ZeroShotOptions options, CancellationToken cancellation = default)
    {
        int s = seen.Count;
        if (s < 3) return new CalibrationChoice(0, "none", [], null);
        int held = Math.Clamp(unseenCount, 1, s - 2);
        var order = Enumerable.Range(0, s).ToArray();
        new Random(options.Seed + 1).Shuffle(order);
        var pseudoUnseen = order[..held].Order().ToArray();
        using var split = ZeroShotSplit.Create(seenTrain, pseudoUnseen, 0.2, options.Seed);
        var outcome = ZeroShotExperiment.Run(split, seen, method, options,
            new ZeroShotEvaluationOptions { Generalized = true, Calibration = 0 }, progress: null, cancellation);
        using var model = outcome.Model;
        var best = outcome.Report.Generalized!.BestOnCurve;
        // The curve's ends are ±∞ (all seen or all unseen); their H is 0, so they win only when every point has H = 0.
        double gamma = double.IsFinite(best.Gamma) ? best.Gamma : 0;
        return new CalibrationChoice(gamma, "seen-validation", pseudoUnseen.Select(c => seen.ClassNames[c]).ToArray(), best.HarmonicMean);
    }
}
