using TransferSharp.Cli.Commands;
using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;

namespace TransferSharp.Cli.Tour;

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
        "unlabelled data instead of on its raw inputs. Clusters are scored against the hidden true classes by " +
        "clustering accuracy (Hungarian matching), NMI and ARI.",
        RunClustering);

    private static StageOutcome RunLearning(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var source = tour.Shrink(Catalog.Load("mnist:5-9"), 200);
        using var target = tour.Shrink(Catalog.Load("mnist:0-4"), 200);
        var ae = TrainAutoencoder(tour, source, progress, 0.8, cancel);
        using var model = ae.Model;
        var (train, test) = target.StratifiedSplit(0.5, tour.Seed);
        using var _ = train;
        using var __ = test;
        var learner = new SelfTaughtLearner(new FeatureClassifierOptions { Steps = tour.Pick(600, 600, 300), Seed = tour.Seed, Threads = tour.Threads });
        var raw = learner.Fit(FeatureMap.Raw(), train, test, cancel);
        progress.Report(0.9);
        var codes = learner.Fit(FeatureMap.Encoder(model), train, test, cancel);
        var grid = tour.File("selftaught", "reconstructions.png");
        SelfTaughtRun.SaveReconstructions(grid, model, source, target);
        var curves = SaveCurve(tour, "selftaught", ae, $"sparse autoencoder on {source.Count} unlabelled digits 5-9");
        return new StageOutcome($"sparse autoencoder on unlabelled MNIST digits 5-9 -> softmax regression on digits 0-4 ({train.Count} labelled; " +
            "the UFLDL exercise)", "accuracy",
            "raw pixels", raw.TestAccuracy, "autoencoder features", codes.TestAccuracy,
            [(curves, "the autoencoder's learning curve on the source"), (grid, "source (5-9) and target (0-4) digits over their reconstructions")],
            [StageDetail.Number("autoencoder reconstruction loss at the end", ae.Final.ReconstructionLoss), StageDetail.Count("test images", test.Count)]);
    }

    private static StageOutcome RunClustering(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var source = tour.Shrink(Catalog.Load("fashion-mnist"), 200);
        using var target = tour.Shrink(Catalog.Load("mnist"), 200);
        var ae = TrainAutoencoder(tour, source, progress, 0.6, cancel, sparse: false);
        using var model = ae.Model;
        var clustering = new SelfTaughtClustering(new KMeansOptions { Clusters = target.ClassCount, Restarts = tour.Pick(10, 3, 2), Seed = tour.Seed });
        var raw = clustering.Cluster(FeatureMap.Raw(), target, cancel);
        progress.Report(0.8);
        var codes = clustering.Cluster(FeatureMap.Encoder(model), target, cancel);
        var curves = SaveCurve(tour, "selftaught-cluster", ae, $"autoencoder on {source.Count} unlabelled Fashion-MNIST images");
        return new StageOutcome($"k-means (k = {target.ClassCount}) on {target.Count} MNIST digits, autoencoder on Fashion-MNIST", "accuracy",
            "k-means on raw pixels", raw.Score!.Accuracy, "k-means on autoencoder features", codes.Score!.Accuracy,
            [(curves, "the autoencoder's learning curve on the source")],
            [StageDetail.Number("NMI raw", raw.Score.Nmi), StageDetail.Number("NMI autoencoder", codes.Score.Nmi),
             StageDetail.Number("ARI raw", raw.Score.Ari), StageDetail.Number("ARI autoencoder", codes.Score.Ari)]);
    }

    /// <summary>The UFLDL sparse autoencoder, or a plain one (no sparsity, light weight decay) whose codes cluster better.</summary>
    private static AutoencoderResult TrainAutoencoder(TourContext tour, Dataset source, IProgress<double> progress, double share,
        CancellationToken cancel, bool sparse = true)
    {
        using var unlabelled = source.WithoutLabels();
        var options = new AutoencoderOptions { Epochs = tour.Epochs(20, 8, 4), Seed = tour.Seed, Threads = tour.Threads };
        if (!sparse) options = options with { SparsityWeight = 0, WeightDecay = 1e-4 };
        return new AutoencoderTrainer(options).Fit(unlabelled, new Scaled(progress, 0, share), cancel);
    }

    private static string SaveCurve(TourContext tour, string folder, AutoencoderResult ae, string title)
    {
        var png = tour.File(folder, "learning-curve.png");
        TourCurves.Save(png, $"{title}: reconstruction loss per epoch", "reconstruction loss",
            new TourCurves.Curve("reconstruction loss", ae.History.Select(e => e.ReconstructionLoss).ToArray()));
        return png;
    }
}
