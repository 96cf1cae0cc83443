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
        "The source (MNIST) is labelled, the target (MNIST-M: the same digits over photo crops) is not. A domain " +
        "classifier tries to tell source features from target features, and a gradient reversal layer trains the " +
        "feature extractor to fool it while still classifying the source, so features of the two domains line up.",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var pair = DomainPair.Create(Catalog.Load("mnist"), Catalog.Load("mnist-m"), heldOutFraction: 0.2, seed: tour.Seed);
        var spec = new ModelSpec("lenet", pair.ExampleShape, pair.SourceTrain.ClassCount);
        var options = new AdaptationOptions { Epochs = tour.Epochs(6, 3), StepsPerEpoch = 100, BatchSize = 32, Seed = tour.Seed };

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

        var tsne = new TsneOptions { Seed = tour.Seed, Iterations = tour.Quick ? 500 : 1000 };
        int points = tour.Quick ? 150 : 300;
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
        return new StageOutcome($"MNIST -> MNIST-M, {dann.Steps} steps of {options.BatchSize} + {options.BatchSize} images", "accuracy",
            "source only", before, "DANN", after,
            [(beforePng, "t-SNE of the features before adaptation (source only)"), (afterPng, "t-SNE after DANN")],
            [("domain-classifier accuracy at the end", dann.Final.DomainAccuracy), ("target test images", pair.TargetHeldOut.Count)]);
    }

    private static void Draw(string path, IReadOnlyList<FeaturePoint> points, IReadOnlyList<string> classes, string[] domains, string title) =>
        EmbeddingPlot.Save(path, points.Select(p => new EmbeddedPoint(p.X, p.Y, p.Class, p.Domain)).ToArray(), classes, domains, title);
}
