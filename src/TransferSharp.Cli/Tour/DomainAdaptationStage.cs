using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Reporting;

namespace TransferSharp.Cli.Tour;

/// <summary>Domain-adversarial training: MNIST (labelled) to MNIST-M (unlabelled), DANN against source only, with t-SNE.</summary>
internal static class DomainAdaptationStage
{
    public static TourStage Stage { get; } = new("dann", "Domain-adversarial training",
        "A domain classifier tries to tell the features of labelled source images from those of unlabelled target " +
        "images, and a gradient reversal layer trains the feature extractor to fool it while still classifying the source. " +
        "The features of the two domains line up, so the classifier learnt on the source also works on the target.",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var mnist = tour.Shrink(Catalog.Load("mnist"), 300);
        using var mnistM = tour.Shrink(Catalog.Load("mnist-m"), 300);
        using var pair = DomainPair.Create(mnist, mnistM, heldOutFraction: 0.2, seed: tour.Seed);
        var spec = new ModelSpec("lenet", pair.ExampleShape, pair.SourceTrain.ClassCount);
        var options = new AdaptationOptions
        {
            Epochs = tour.Epochs(6, 3, 3), StepsPerEpoch = tour.Pick(100, 100, 30), BatchSize = 32, Seed = tour.Seed, Threads = tour.Threads,
        };

        AdaptationResult Train(AdaptationMethod method, double from, double to)
        {
            Training.Seeding.SeedEverything(tour.Seed);
            var model = ModelZoo.Create(spec);
            return new DomainAdaptationTrainer(options with { Method = method })
                .Fit(model, pair.SourceTrain, pair.TargetTrain, pair.SourceHeldOut, pair.TargetHeldOut, new Scaled(progress, from, to), cancel);
        }

        var sourceOnly = Train(AdaptationMethod.SourceOnly, 0, 0.35);
        var dann = Train(AdaptationMethod.Dann, 0.35, 0.8);
        double before = Metrics.Evaluate(sourceOnly.Network, pair.TargetHeldOut).Accuracy;
        double after = Metrics.Evaluate(dann.Network, pair.TargetHeldOut).Accuracy;

        // Target labels are only evaluated here, after each epoch; they never choose a model.
        var curves = tour.File("dann", "learning-curves.png");
        TourCurves.Save(curves, $"accuracy per epoch ({options.StepsPerEpoch} steps each)", "accuracy",
            new TourCurves.Curve("source only: target accuracy", sourceOnly.History.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()),
            new TourCurves.Curve("DANN: target accuracy", dann.History.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()),
            new TourCurves.Curve("source only: source accuracy", sourceOnly.History.Select(e => e.SourceAccuracy ?? double.NaN).ToArray(), Dashed: true),
            new TourCurves.Curve("DANN: source accuracy", dann.History.Select(e => e.SourceAccuracy ?? double.NaN).ToArray(), Dashed: true),
            new TourCurves.Curve("DANN: domain-classifier accuracy (training)", dann.History.Select(e => e.DomainAccuracy).ToArray(), Dashed: true));

        var tsne = new TsneOptions { Seed = tour.Seed, Iterations = tour.Pick(1000, 500, 300) };
        int points = tour.Pick(300, 150, 60);
        string[] domains = ["source (MNIST)", "target (MNIST-M)"];
        var beforePng = tour.File("dann", "tsne-before.png");
        var afterPng = tour.File("dann", "tsne-after.png");
        Draw(beforePng, FeatureEmbedding.Compute(sourceOnly.Network, pair.SourceHeldOut, pair.TargetHeldOut, points, tsne),
            pair.SourceTrain.ClassNames, domains, $"source only: target accuracy {before:P1}");
        progress.Report(0.9);
        Draw(afterPng, FeatureEmbedding.Compute(dann.Network, pair.SourceHeldOut, pair.TargetHeldOut, points, tsne),
            pair.SourceTrain.ClassNames, domains, $"DANN: target accuracy {after:P1}");
        sourceOnly.Network.Dispose();
        dann.Network.Dispose();
        return new StageOutcome($"MNIST (labelled) -> MNIST-M (unlabelled: the same digits over photo crops), {dann.Steps} steps of " +
            $"{options.BatchSize} + {options.BatchSize} images", "accuracy",
            "source only", before, "DANN", after,
            [(curves, "learning curves: accuracy on the target's and the source's held-out images, and the domain classifier's"),
             (beforePng, "t-SNE of the features before adaptation (source only)"), (afterPng, "t-SNE after DANN")],
            [StageDetail.Percent("domain-classifier accuracy at the end", dann.Final.DomainAccuracy),
             StageDetail.Count("target test images", pair.TargetHeldOut.Count)]);
    }

    private static void Draw(string path, IReadOnlyList<FeaturePoint> points, IReadOnlyList<string> classes, string[] domains, string title) =>
        EmbeddingPlot.Save(path, points.Select(p => new EmbeddedPoint(p.X, p.Y, p.Class, p.Domain)).ToArray(), classes, domains, title);
}
