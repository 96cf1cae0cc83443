using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Reporting;

namespace TransferSharp.Cli.Tour;

/// <summary>Domain-adversarial training: MNIST (labelled) to MNIST-M (unlabelled), CDAN against source only, with t-SNE.</summary>
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
        var options = new AdaptationExperimentOptions
        {
            // The library's default method, CDAN (what the tour ran as "DANN" before the two were separated).
            Training = new AdaptationOptions
            {
                Epochs = tour.Epochs(6, 3, 3), StepsPerEpoch = tour.Pick(100, 100, 30), BatchSize = 32, Seed = tour.Seed, Threads = tour.Threads,
            },
            FeatureMapPoints = tour.Pick(300, 150, 60),
            FeatureMap = new TsneOptions { Seed = tour.Seed, Iterations = tour.Pick(1000, 500, 300) },
        };
        using var report = AdaptationExperiment.Run(pair, spec, options,
            (run, train) => train(run == AdaptationRun.Baseline ? new Scaled(progress, 0, 0.35) : new Scaled(progress, 0.35, 0.8)), cancel);
        string method = report.Method.ToUpperInvariant();
        var sourceOnly = report.SourceOnlyHistory!;
        double before = report.Metrics.SourceOnlyTargetAccuracy!.Value, after = report.Metrics.TargetAccuracy!.Value;

        // Target labels are only evaluated here, after each epoch; they never choose a model.
        var curves = tour.File("dann", "learning-curves.png");
        TourCurves.Save(curves, $"accuracy per epoch ({options.Training.StepsPerEpoch} steps each)", "accuracy",
            new TourCurves.Curve("source only: target accuracy", sourceOnly.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()),
            new TourCurves.Curve($"{method}: target accuracy", report.History.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()),
            new TourCurves.Curve("source only: source accuracy", sourceOnly.Select(e => e.SourceAccuracy ?? double.NaN).ToArray(), Dashed: true),
            new TourCurves.Curve($"{method}: source accuracy", report.History.Select(e => e.SourceAccuracy ?? double.NaN).ToArray(), Dashed: true),
            new TourCurves.Curve($"{method}: domain-classifier accuracy (training)", report.History.Select(e => e.DomainAccuracy).ToArray(), Dashed: true));

        string[] domains = ["source (MNIST)", "target (MNIST-M)"];
        var beforePng = tour.File("dann", "tsne-before.png");
        var afterPng = tour.File("dann", "tsne-after.png");
        Draw(beforePng, report.FeaturesBefore!, pair.SourceTrain.ClassNames, domains, $"source only: target accuracy {before:P1}");
        Draw(afterPng, report.FeaturesAfter!, pair.SourceTrain.ClassNames, domains, $"{method}: target accuracy {after:P1}");
        return new StageOutcome($"MNIST (labelled) -> MNIST-M (unlabelled: the same digits over photo crops), {report.Metrics.Steps} steps of " +
            $"{options.Training.BatchSize} + {options.Training.BatchSize} images", "accuracy",
            "source only", before, method, after,
            [(curves, "learning curves: accuracy on the target's and the source's held-out images, and the domain classifier's"),
             (beforePng, "t-SNE of the features before adaptation (source only)"), (afterPng, $"t-SNE after {method}")],
            [StageDetail.Percent("domain-classifier accuracy at the end", report.History[^1].DomainAccuracy),
             StageDetail.Count("target test images", pair.TargetHeldOut.Count)]);
    }

    private static void Draw(string path, IReadOnlyList<FeaturePoint> points, IReadOnlyList<string> classes, string[] domains, string title) =>
        EmbeddingPlot.Save(path, points.Select(p => new EmbeddedPoint(p.X, p.Y, p.Class, p.Domain)).ToArray(), classes, domains, title);
}
