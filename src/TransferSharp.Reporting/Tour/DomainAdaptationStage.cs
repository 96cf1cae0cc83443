using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Reporting.Tour;

/// <summary>
/// Domain-adversarial training: MNIST (labelled) to MNIST-M (unlabelled), CDAN (gradient reversal, the lecture's
/// method) against source only, with t-SNE; and <c>transfer adapt</c>'s default, AdaBN, on the same pair.
/// </summary>
internal static class DomainAdaptationStage
{
    public static TourStage Stage { get; } = new("dann", "Domain-adversarial training",
        "A domain classifier tries to tell the features of labelled source images from those of unlabelled target " +
        "images, and a gradient reversal layer trains the feature extractor to fool it while still classifying the source " +
        "(CDAN: the domain classifier also sees the class predictions). " +
        "The features of the two domains line up, so the classifier learnt on the source also works on the target.",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var mnist = tour.Shrink(Catalog.Load("mnist"), 300);
        using var mnistM = tour.Shrink(Catalog.Load("mnist-m"), 300);
        using var pair = DomainPair.Create(mnist, mnistM, heldOutFraction: 0.2, seed: tour.Seed);
        var spec = new ModelSpec("lenet", pair.ExampleShape, pair.SourceTrain.ClassCount);
        // CDAN, the gradient-reversal method the stage is about (and adapt's default until 2026-12-06), against source only.
        var training = new AdaptationOptions
        {
            Method = new Cdan.Options(), Epochs = tour.Epochs(6, 3, 3), StepsPerEpoch = tour.Pick(100, 100, 30), BatchSize = 32,
            Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device,
        };
        var options = new AdaptationExperimentOptions
        {
            Training = training, FeatureMapPoints = tour.Pick(300, 150, 60), FeatureMap = new TsneOptions { Seed = tour.Seed, Iterations = tour.Pick(1000, 500, 300) },
        };
        using var report = AdaptationExperiment.Run(pair, spec, options,
            (run, train) => train(run == AdaptationRun.Baseline ? new Scaled(progress, 0, 0.3) : new Scaled(progress, 0.3, 0.7)), cancel);
        // adapt's default (AdaBN) under the same protocol and seed: source-only steps, then the target's batch statistics.
        Seeding.SeedEverything(tour.Seed);
        var adaBn = new DomainAdaptationTrainer(training with { Method = new AdaBn.Options() })
            .Fit(ModelZoo.Create(spec), pair.SourceTrain, pair.TargetTrain, pair.SourceHeldOut, pair.TargetHeldOut, new Scaled(progress, 0.7, 0.8), cancel);
        double adaBnAccuracy;
        using (adaBn.Network) using (adaBn.Network.Backbone) adaBnAccuracy = Metrics.Evaluate(adaBn.Network, pair.TargetHeldOut).Accuracy;
        // Target labels are only evaluated, after each epoch; they never choose a model.
        var pictures = AdaptationFigures.Save(report, pair.SourceTrain.ClassNames, "MNIST", "MNIST-M", name => tour.File("dann", name), "learning-curves.png");
        return new StageOutcome($"MNIST (labelled) -> MNIST-M (unlabelled: the same digits over photo crops), {report.Metrics.Steps} steps of " +
            $"{training.BatchSize} + {training.BatchSize} images", "accuracy", "source only", report.Metrics.SourceOnlyTargetAccuracy!.Value,
            report.Method.ToUpperInvariant(), report.Metrics.TargetAccuracy!.Value, pictures,
            [StageDetail.Percent("domain-classifier accuracy at the end", report.History[^1].DomainAccuracy),
             StageDetail.Count("target test images", pair.TargetHeldOut.Count)])
        {
            OtherMethods = [new MethodScore("AdaBN (adapt's default)", adaBnAccuracy)],
        };
    }
}
