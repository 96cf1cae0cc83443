using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;
using TransferSharp.Training;

namespace TransferSharp.Tests.SelfTaught;

[Collection("Sequential")]
public sealed class SelfTaughtExperimentTests
{
    private static readonly AutoencoderOptions Ae = new() { HiddenUnits = 16, Epochs = 20, BatchSize = 30, LearningRate = 1e-2, Threads = 1 };

    [Fact]
    public void Learning_compares_raw_pca_and_codes_for_every_shot_count()
    {
        using var all = TestData.Squares(perClass: 60, classes: 4, channels: 1, side: 8, seed: 2);
        var (sourceLabelled, target) = all.StratifiedSplit(0.5, seed: 0);
        using var source = sourceLabelled.WithoutLabels();
        sourceLabelled.Dispose();
        using var _target = target;
        var options = new SelfTaughtLearnOptions
        {
            Autoencoder = Ae,
            Classifier = new FeatureClassifierOptions { Steps = 150, Threads = 1 },
            PcaComponents = 8,
            Shots = [3, 10],
            Seed = 1,
        };
        using var experiment = new SelfTaughtExperiment(source, target, options);
        Assert.Equal(target.Count, experiment.TrainPool.Count + experiment.Test.Count);
        var report = experiment.Run();

        Assert.Equal((source.Count, experiment.TrainPool.Count, experiment.Test.Count), (report.Split.Source, report.Split.TrainPool, report.Split.Test));
        Assert.Equal(8, report.Pca!.Components);
        Assert.InRange(report.Pca.ExplainedVariance, 0.01, 1);
        Assert.Equal(16, report.Autoencoder.CodeSize);
        Assert.Equal(20, report.Autoencoder.History.Count);
        Assert.Equal(["3", "10"], report.Results.Select(r => r.Shots));
        Assert.Equal([12, 40], report.Results.Select(r => r.Train));
        foreach (var row in report.Results)
        {
            Assert.Equal(["raw", "pca-8", "autoencoder"], row.Scores.Select(s => s.Features));
            Assert.All(row.Scores, s => Assert.True(s.TestAccuracy > 0.8, $"{row.Shots} {s.Features}: {s.TestAccuracy:P1}"));   // chance 25 %
            Assert.Equal(row.Scores[2].TestAccuracy, row.TestAccuracy["autoencoder"]);
        }

        // Without a PCA baseline: raw and codes only, and the same numbers for them (every classifier is seeded).
        using var lean = new SelfTaughtExperiment(source, target, options with { PcaComponents = null });
        var leanReport = lean.Run();
        Assert.Null(leanReport.Pca);
        Assert.Equal(["raw", "autoencoder"], leanReport.Results[0].Scores.Select(s => s.Features));
        Assert.Equal(report.Results[1].TestAccuracy["autoencoder"], leanReport.Results[1].TestAccuracy["autoencoder"]);
    }

    [Fact]
    public void Clustering_compares_raw_pca_and_codes()
    {
        using var all = TestData.Squares(perClass: 40, classes: 4, channels: 1, side: 8, seed: 3);
        using var source = all.WithoutLabels();
        var experiment = new SelfTaughtClusteringExperiment(source, all, new SelfTaughtClusterOptions
        {
            Autoencoder = Ae with { BatchSize = 32 },
            KMeans = new KMeansOptions { Restarts = 3 },
            PcaComponents = 6,
        });
        Assert.Equal(4, experiment.Clusters);
        var report = experiment.Run();
        Assert.Equal(["raw", "pca-6 (target)", "pca-6 (source)", "autoencoder", "autoencoder + DEC"], report.Results.Select(r => r.Features));
        Assert.Equal([64, 6, 6, 16, 16], report.Results.Select(r => r.Dimension));
        Assert.All(report.Assignments.Values, a => Assert.Equal(all.Count, a.Length));
        Assert.All(report.Results.Skip(3), r => Assert.True(r.Score!.Accuracy > 0.9, $"{r.Features}: {r.Score}"));   // chance 25 %
        Assert.True(double.IsFinite(report.Results[^1].Inertia) && report.Results[^1].Inertia > 0);
        Assert.Equal((all.Count, all.Count), (report.Counts.Source, report.Counts.Target));
    }

    [Fact]
    public void Default_clustering_beats_kmeans_on_raw_pixels_with_fashion_as_the_source()
    {
        // The defaults (plain autoencoder, k-means on its codes, DEC) on 2,000 MNIST digits with the 10,000 unlabelled
        // Fashion-MNIST images as the source; only the target is smaller than in bench/selftaught.md (c).
        using var mnist = Catalog.Load("mnist");
        using var fashion = Catalog.Load("fashion-mnist");
        using var target = mnist.TakePerClass(200, seed: 0);
        using var source = fashion.WithoutLabels();
        var options = new SelfTaughtClusterOptions { Autoencoder = SelfTaughtClusterOptions.DefaultAutoencoder with { Seed = 1, Threads = 1 }, KMeans = new KMeansOptions { Seed = 1 } };
        var report = new SelfTaughtClusteringExperiment(source, target, options).Run();
        var (raw, dec) = (report.Results[0].Score!, report.Results[^1].Score!);
        Assert.Equal("autoencoder + DEC", report.Results[^1].Features);
        // Measured (seed 1): raw 53.9 % / NMI 0.511, k-means on the codes 55.6 % / 0.501, DEC 60.2 % / 0.587. At this
        // size the codes alone do not beat raw pixels on NMI; DEC does, by 6 points and 0.08: the bounds ask for a third
        // of that. (With 2,000 source images instead of 10,000, tried first, even DEC stayed below raw: 55.6 % vs 60.4 %.)
        Assert.True(dec.Accuracy > raw.Accuracy + 0.02 && dec.Nmi > raw.Nmi + 0.02, $"raw {raw}, DEC {dec}, codes {report.Results[^2].Score}");
    }

    [Fact]
    public void Inputs_the_data_cannot_serve_name_their_field()
    {
        using var all = TestData.Squares(perClass: 10, classes: 2, channels: 1, side: 4, seed: 0);
        using var source = all.WithoutLabels();
        var e = Assert.Throws<InvalidOptionsException>(() => new SelfTaughtExperiment(source, all, new SelfTaughtLearnOptions { Shots = [50], PcaComponents = 100 }));
        Assert.Equal(["Shots", "PcaComponents"], e.Errors.Select(x => x.Field));
        Assert.StartsWith("shots 50:", e.Errors[0].Message);
        var c = Assert.Throws<InvalidOptionsException>(() => new SelfTaughtClusteringExperiment(source, all, new SelfTaughtClusterOptions { Clusters = 500 }));
        Assert.Contains(c.Errors, x => x.Field == "Clusters");
        var d = Assert.Throws<InvalidOptionsException>(() => new SelfTaughtClusteringExperiment(source, all,
            new SelfTaughtClusterOptions { Dec = new DecOptions { LearningRate = 0, BatchSize = 0 } }));
        Assert.Equal(["Dec.BatchSize", "Dec.LearningRate"], d.Errors.Select(x => x.Field));
        Assert.Throws<InvalidOptionsException>(() => new SelfTaughtClusteringExperiment(source, source, new SelfTaughtClusterOptions()));
        Assert.Throws<ArgumentException>(() => new SelfTaughtExperiment(source, source, new SelfTaughtLearnOptions()));
    }
}
