using TransferSharp.Data;
using TransferSharp.ZeroShot;

namespace TransferSharp.Reporting.Tour;

/// <summary>Zero-shot: Fashion-MNIST with Trouser, Pullover and Sandal never seen in training, recognised from attributes.</summary>
internal static class ZeroShotStage
{
    private static readonly string[] Unseen = ["Trouser", "Pullover", "Sandal"];

    public static TourStage Stage { get; } = new("zeroshot", "Zero-shot learning",
        "Classes that never appear in training are recognised from a description: a network learns to predict " +
        "attributes (worn on the legs, has sleeves, has a heel, ...) from the seen classes, and an unseen image is given " +
        "the class whose attributes best explain the prediction (DAP).",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var data = tour.Shrink(Catalog.Load("fashion-mnist"), 300);
        var unseen = Unseen.Select(n => data.ClassNames.ToList().IndexOf(n)).ToArray();
        var options = new ZeroShotOptions { Architecture = "mlp", Epochs = tour.Epochs(4, 2, 2), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device };
        var outcome = ZeroShotExperiment.Run(data, BuiltInDescriptions.For("fashion-mnist", data.ClassNames), unseen, ZeroShotMethod.Dap, options,
            new ZeroShotEvaluationOptions { Generalized = true, Calibration = 0 }, new Scaled(progress, 0, 1), cancel);
        using var model = outcome.Model;
        var (report, confusion) = (outcome.Report, tour.File("zeroshot", "confusion.png"));
        ZeroShotFigures.SaveUnseenConfusion(confusion, report, ZeroShotMethods.Of(ZeroShotMethod.Dap).DisplayName);
        var details = new List<StageDetail> { StageDetail.Count("unseen test images", outcome.UnseenTestCount) };
        if (report.Generalized is { } g)
            details.AddRange([StageDetail.Percent("generalized: seen accuracy", g.SeenAccuracy), StageDetail.Percent("generalized: unseen accuracy", g.UnseenAccuracy),
                StageDetail.Percent("generalized: harmonic mean", g.HarmonicMean)]);
        return new StageOutcome($"Fashion-MNIST, {string.Join(", ", Unseen[..^1])} and {Unseen[^1]} never seen in training", "accuracy",
            "chance", report.Chance, "DAP (attribute prediction)", report.UnseenAccuracy,
            [(confusion, "confusion matrix of the unseen classes (rows: true class)")], details);
    }
}
