using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;

namespace TransferSharp.Reporting.Tour;

/// <summary>
/// Self-taught learning (autoencoder on unlabelled digits 5–9, classifier on digits 0–4) and self-taught clustering
/// (autoencoder on Fashion-MNIST, k-means on MNIST digits): the configurations of bench/selftaught.md.
/// </summary>
internal static class SelfTaughtStages
{
    public static TourStage Learning { get; } = new("selftaught-learn", "Self-taught learning",
        "An autoencoder learns to reconstruct unlabelled source images, and its code becomes the feature vector on " +
        "which a classifier for the labelled target is trained. The source need not share the target's classes, only " +
        "its kind of data.",
        RunLearning);

    public static TourStage Clustering { get; } = new("selftaught-cluster", "Self-taught clustering",
        "With no labels anywhere, the target is clustered with k-means on features of an autoencoder trained on other " +
        "unlabelled data instead of on its raw inputs, and the clusters are then sharpened by deep embedded clustering " +
        "(DEC: the encoder is fine-tuned towards its own confident assignments). Clusters are scored against the hidden " +
        "true classes by clustering accuracy (Hungarian matching), NMI and ARI.",
        RunClustering);

    private static StageOutcome RunLearning(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var source = tour.Shrink(Catalog.Load("mnist:5-9"), 200);
        using var target = tour.Shrink(Catalog.Load("mnist:0-4"), 200);
        using var unlabelled = source.WithoutLabels();
        using var experiment = new SelfTaughtExperiment(unlabelled, target, new SelfTaughtLearnOptions
        {
            Autoencoder = AutoencoderOptions(tour), PcaComponents = null, TestFraction = 0.5, Seed = tour.Seed,
            Classifier = new FeatureClassifierOptions { Steps = tour.Pick(600, 600, 300), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device },
        });
        var grid = tour.File("selftaught", "reconstructions.png");
        var (report, curves) = Run(tour, "selftaught", experiment, progress, 0.8, $"sparse autoencoder on {source.Count} unlabelled digits 5-9", cancel,
            model => SelfTaughtFigures.Reconstructions(grid, model, source, target));
        var row = report.Results[0];
        var (raw, codes) = (row.Scores[0], row.Scores[^1]);
        return new StageOutcome($"sparse autoencoder on unlabelled MNIST digits 5-9 -> softmax regression on digits 0-4 ({row.Train} labelled; " +
            "the UFLDL exercise)", "accuracy", "raw pixels", raw.TestAccuracy, "autoencoder features", codes.TestAccuracy,
            [(curves, "the autoencoder's learning curve on the source"), (grid, "source (5-9) and target (0-4) digits over their reconstructions")],
            [StageDetail.Number("autoencoder reconstruction loss at the end", report.Autoencoder.History[^1].ReconstructionLoss), StageDetail.Count("test images", report.Split.Test)]);
    }

    private static StageOutcome RunClustering(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var source = tour.Shrink(Catalog.Load("fashion-mnist"), 200);
        using var target = tour.Shrink(Catalog.Load("mnist"), 200);
        using var unlabelled = source.WithoutLabels();
        var experiment = new SelfTaughtClusteringExperiment(unlabelled, target, new SelfTaughtClusterOptions
        {
            // The command's defaults (plain autoencoder, DEC), only shorter in the quick modes.
            Autoencoder = SelfTaughtClusterOptions.DefaultAutoencoder with { Epochs = tour.Epochs(20, 8, 4), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device },
            KMeans = new KMeansOptions { Restarts = tour.Pick(10, 3, 2), Seed = tour.Seed }, PcaComponents = null,
        });
        var (report, curves) = Run(tour, "selftaught-cluster", experiment, progress, 0.6, $"autoencoder on {source.Count} unlabelled Fashion-MNIST images", cancel);
        var (raw, codes) = (report.Results[0], report.Results[^1]);
        return new StageOutcome($"k-means (k = {target.ClassCount}) on {target.Count} MNIST digits, autoencoder on Fashion-MNIST", "accuracy",
            "k-means on raw pixels", raw.Score!.Accuracy, "k-means + DEC on autoencoder features", codes.Score!.Accuracy,
            [(curves, "the autoencoder's learning curve on the source")],
            [StageDetail.Number("NMI raw", raw.Score.Nmi), StageDetail.Number("NMI autoencoder + DEC", codes.Score.Nmi),
             StageDetail.Number("ARI raw", raw.Score.Ari), StageDetail.Number("ARI autoencoder + DEC", codes.Score.Ari),
             StageDetail.Number("accuracy of k-means on the codes alone", report.Results[^2].Score!.Accuracy)]);
    }

    /// <summary>The UFLDL sparse autoencoder (the <c>selftaught learn</c> defaults), shorter in the quick modes.</summary>
    private static AutoencoderOptions AutoencoderOptions(TourContext tour) =>
        new() { Epochs = tour.Epochs(20, 8, 4), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device };

    /// <summary>Trains the autoencoder (the first <paramref name="share"/> of the stage's progress), draws its learning curve, then compares.</summary>
    private static (T Report, string Curves) Run<T>(TourContext tour, string folder, ISelfTaughtExperiment<T> experiment, IProgress<double> progress, double share,
        string title, CancellationToken cancel, Action<Autoencoder>? draw = null) where T : ISelfTaughtReport
    {
        var ae = experiment.TrainAutoencoder(new Scaled(progress, 0, share), cancel);
        using var model = ae.Model;
        using var outcome = experiment.Run(ae, null, cancel);
        draw?.Invoke(model);
        var png = tour.File(folder, "learning-curve.png");
        TourCurves.Save(png, $"{title}: reconstruction loss per epoch", "reconstruction loss",
            new TourCurves.Curve("reconstruction loss", ae.History.Select(e => e.ReconstructionLoss).ToArray()));
        return (outcome.Report, png);
    }
}
