using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>How a zero-shot experiment holds out and evaluates.</summary>
public sealed record ZeroShotEvaluationOptions
{
    /// <summary>Fraction of every seen class held out for the generalized evaluation (never trained on). Default 0.2.</summary>
    public double SeenTestFraction { get; init; } = 0.2;
    /// <summary>Also evaluate the generalized setting (seen and unseen classes all candidates). Default true.</summary>
    public bool Generalized { get; init; } = true;
    /// <summary>
    /// Calibrated stacking γ subtracted from seen-class scores in the generalized setting. Default null: chosen on a
    /// validation split of the seen classes (<see cref="CalibrationSelection"/>); 0 turns calibration off.
    /// </summary>
    public double? Calibration { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (!(SeenTestFraction is > 0 and < 1)) e.Add(new(nameof(SeenTestFraction), $"seen test fraction must be in (0, 1), got {SeenTestFraction}"));
        if (Calibration is { } g && !double.IsFinite(g)) e.Add(new(nameof(Calibration), $"calibration must be a finite number, got {Calibration}"));
        return e;
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());
}

/// <summary>A finished experiment: the trained model, its evaluation, the split's sizes and how γ was set (null when not generalized).</summary>
public sealed record ZeroShotOutcome(ZeroShotModel Model, ZeroShotReport Report, int TrainCount, int SeenTestCount, int UnseenTestCount,
    CalibrationChoice? Calibration = null);

/// <summary>
/// One zero-shot experiment from end to end: check the descriptions, split seen from unseen classes, train the chosen
/// method on the seen classes' images only, evaluate on the unseen (and, generalized, all) classes.
/// </summary>
public static class ZeroShotExperiment
{
    /// <summary>Trains <paramref name="method"/> on the seen classes of <paramref name="data"/> and evaluates it.</summary>
    /// <exception cref="InvalidDataException">A class has no description, or two classes share one.</exception>
    public static ZeroShotOutcome Run(Dataset data, ClassDescriptions descriptions, IReadOnlyList<int> unseen, ZeroShotMethod method,
        ZeroShotOptions options, ZeroShotEvaluationOptions? evaluation = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        evaluation ??= new ZeroShotEvaluationOptions();
        RequireValid(options, evaluation);
        var aligned = Prepare(data, descriptions, method);
        using var split = ZeroShotSplit.Create(data, unseen, evaluation.SeenTestFraction, options.Seed);
        return Run(split, aligned, method, options, evaluation, progress, cancellation);
    }

    /// <summary>
    /// Trains on <paramref name="split"/>'s seen-class images and evaluates; <paramref name="aligned"/> describes the
    /// dataset's classes in order (see <see cref="Prepare"/>). The split's seen-test fraction is the one it was made with.
    /// </summary>
    public static ZeroShotOutcome Run(ZeroShotSplit split, ClassDescriptions aligned, ZeroShotMethod method, ZeroShotOptions options,
        ZeroShotEvaluationOptions? evaluation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        evaluation ??= new ZeroShotEvaluationOptions();
        RequireValid(options, evaluation);
        var seen = aligned.Rows(split.Seen);
        // γ from the seen classes alone, before the real model exists: the unseen classes' images are never read for it.
        CalibrationChoice? calibration = !evaluation.Generalized ? null
            : evaluation.Calibration is { } given ? new CalibrationChoice(given, "given", [], null)
            : CalibrationSelection.Choose(split.SeenTrain, seen, split.Unseen.Count, method, options, cancellation);
        var model = Train(method, options, split.SeenTrain, seen, progress, cancellation);
        try
        {
            var report = ZeroShotEvaluation.Evaluate(model, split, aligned, evaluation.Generalized, calibration?.Gamma ?? 0);
            return new ZeroShotOutcome(model, report, split.SeenTrain.Count, split.SeenTest.Count, split.UnseenTest.Count, calibration);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void RequireValid(ZeroShotOptions options, ZeroShotEvaluationOptions evaluation)
    {
        options.ThrowIfInvalid();
        evaluation.ThrowIfInvalid();
    }

    /// <summary>
    /// The descriptions of <paramref name="data"/>'s classes in its order, checked: every class described, no two
    /// alike (the lecture's rule for attributes; identical word vectors are just as indistinguishable), and values DAP
    /// can use when the method is DAP.
    /// </summary>
    public static ClassDescriptions Prepare(Dataset data, ClassDescriptions descriptions, ZeroShotMethod method)
    {
        var aligned = descriptions.For(data.ClassNames);
        aligned.RequireDistinct();
        ZeroShotMethods.Of(method).Check(aligned);
        return aligned;
    }

    /// <summary>Trains the chosen method.</summary>
    public static ZeroShotModel Train(ZeroShotMethod method, ZeroShotOptions options, Dataset seenTrain, ClassDescriptions seen,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        ZeroShotMethods.Of(method).Train(options, seenTrain, seen, progress, cancellation);
}
