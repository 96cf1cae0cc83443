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
        "An autoencoder learns to reconstruct unlabelled source images; its code becomes the feature vector on which a " +
        "classifier for the labelled target is trained. Here (the UFLDL exercise) a sparse autoencoder on digits 5-9 " +
        "without labels gives features for softmax regression on digits 0-4, against the same classifier on raw pixels.",
        RunLearning);

    public static TourStage Clustering { get; } = new("selftaught-cluster", "Self-taught clustering",
        "With no labels anywhere, features from an autoencoder (here a plain one, without the sparsity penalty) are " +
        "clustered with k-means instead of the raw inputs; " +
        "clusters are scored against the hidden true classes by clustering accuracy (Hungarian matching), NMI and ARI.",
        RunClustering);

    private static StageOutcome RunLearning(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var source = Catalog.Load("mnist:5-9");
        using var target = Catalog.Load("mnist:0-4");
        var ae = TrainAutoencoder(tour, source, progress, 0.8, cancel);
        using var model = ae.Model;
        var (train, test) = target.StratifiedSplit(0.5, tour.Seed);
        using var _ = train;
        using var __ = test;
        var learner = new SelfTaughtLearner(new FeatureClassifierOptions { Seed = tour.Seed });
        var raw = learner.Fit(FeatureMap.Raw(), train, test, cancel);
        progress.Report(0.9);
        var codes = learner.Fit(FeatureMap.Encoder(model), train, test, cancel);
        var grid = tour.File("selftaught", "reconstructions.png");
        SelfTaughtRun.SaveReconstructions(grid, model, source, target);
        return new StageOutcome($"autoencoder on digits 5-9 -> softmax on digits 0-4 ({train.Count} labelled)", "accuracy",
            "raw pixels", raw.TestAccuracy, "autoencoder features", codes.TestAccuracy,
            [(grid, "source (5-9) and target (0-4) digits over their reconstructions")],
            [("autoencoder reconstruction loss", ae.Final.ReconstructionLoss), ("test images", test.Count)]);
    }

    private static StageOutcome RunClustering(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var source = Catalog.Load("fashion-mnist");
        using var target = Catalog.Load("mnist");
        var ae = TrainAutoencoder(tour, source, progress, 0.6, cancel, sparse: false);
        using var model = ae.Model;
        var clustering = new SelfTaughtClustering(new KMeansOptions { Clusters = target.ClassCount, Restarts = tour.Quick ? 3 : 10, Seed = tour.Seed });
        var raw = clustering.Cluster(FeatureMap.Raw(), target, cancel);
        progress.Report(0.8);
        var codes = clustering.Cluster(FeatureMap.Encoder(model), target, cancel);
        return new StageOutcome($"k-means (k = {target.ClassCount}) on MNIST digits, autoencoder on Fashion-MNIST", "accuracy",
            "k-means on raw pixels", raw.Score!.Accuracy, "k-means on autoencoder features", codes.Score!.Accuracy, [],
            [("NMI raw", raw.Score.Nmi), ("NMI autoencoder", codes.Score.Nmi), ("ARI raw", raw.Score.Ari), ("ARI autoencoder", codes.Score.Ari)]);
    }

    /// <summary>The UFLDL sparse autoencoder, or a plain one (no sparsity, light weight decay) whose codes cluster better.</summary>
    private static AutoencoderResult TrainAutoencoder(TourContext tour, Dataset source, IProgress<double> progress, double share,
        CancellationToken cancel, bool sparse = true)
    {
        using var unlabelled = source.WithoutLabels();
        var options = new AutoencoderOptions { Epochs = tour.Epochs(20, 8), Seed = tour.Seed };
        if (!sparse) options = options with { SparsityWeight = 0, WeightDecay = 1e-4 };
        return new AutoencoderTrainer(options).Fit(unlabelled, new Scaled(progress, 0, share), cancel);
    }
}
