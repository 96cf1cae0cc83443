using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;

namespace TransferSharp.Tests.SelfTaught;

[Collection("Sequential")]
public sealed class SelfTaughtTests
{
    [Fact]
    public void Classifiers_on_raw_pca_and_codes_beat_chance_with_few_labels()
    {
        // Source: unlabelled squares; target: other squares of the same 4 classes, 3 labels per class.
        using var all = TestData.Squares(perClass: 60, classes: 4, channels: 1, side: 8, seed: 2);
        var (sourceLabelled, target) = all.StratifiedSplit(0.5, seed: 0);
        using var source = sourceLabelled.WithoutLabels();
        sourceLabelled.Dispose();
        using var _target = target;
        var (pool, test) = target.StratifiedSplit(0.5, seed: 1);
        using var _pool = pool;
        using var _test = test;
        using var train = pool.TakePerClass(3, seed: 0);

        var ae = new AutoencoderTrainer(new AutoencoderOptions { HiddenUnits = 16, Epochs = 20, BatchSize = 30, LearningRate = 1e-2, Threads = 1 }).Fit(source);
        using var model = ae.Model;
        using var pca = Pca.Fit(source, 8);
        var learner = new SelfTaughtLearner(new FeatureClassifierOptions { Steps = 150, Threads = 1 });
        foreach (var map in new[] { FeatureMap.Raw(), FeatureMap.Pca(pca), FeatureMap.Encoder(model) })
        {
            var score = learner.Fit(map, train, test);
            Assert.Equal(12, score.TrainCount);
            Assert.True(score.TestAccuracy > 0.8, $"{map.Name}: {score.TestAccuracy:P1}");   // chance is 25 %
        }
        var mlp = new SelfTaughtLearner(new FeatureClassifierOptions { Kind = FeatureClassifierKind.Mlp, Steps = 150, Threads = 1 });
        Assert.True(mlp.Fit(FeatureMap.Encoder(model), train, test).TestAccuracy > 0.8);
    }

    [Fact]
    public void Clustering_codes_of_a_separable_target_recovers_its_classes()
    {
        using var all = TestData.Squares(perClass: 40, classes: 4, channels: 1, side: 8, seed: 3);
        using var source = all.WithoutLabels();
        var ae = new AutoencoderTrainer(new AutoencoderOptions { HiddenUnits = 16, Epochs = 20, BatchSize = 32, LearningRate = 1e-2, Threads = 1 }).Fit(source);
        using var model = ae.Model;
        var clustering = new SelfTaughtClustering(new KMeansOptions { Clusters = 4, Restarts = 3 });
        var outcome = clustering.Cluster(FeatureMap.Encoder(model), all);
        Assert.NotNull(outcome.Score);
        Assert.True(outcome.Score!.Accuracy > 0.9, $"{outcome.Score}");
        Assert.Equal(all.Count, outcome.Assignments.Length);
        using var unlabelled = all.WithoutLabels();
        Assert.Null(clustering.Cluster(FeatureMap.Raw(), unlabelled).Score);
    }

    [Fact]
    public void Bad_inputs_give_clean_errors()
    {
        using var labelled = TestData.Blobs(perClass: 5, classes: 2, dims: 3, seed: 0);
        using var unlabelled = labelled.WithoutLabels();
        var learner = new SelfTaughtLearner(new FeatureClassifierOptions { Steps = 5, Threads = 1 });
        Assert.Contains("has no labels", Assert.Throws<ArgumentException>(() => learner.Fit(FeatureMap.Raw(), unlabelled, labelled)).Message);
        using var other = TestData.Blobs(perClass: 5, classes: 3, dims: 3, seed: 0);
        Assert.Contains("different classes", Assert.Throws<ArgumentException>(() => learner.Fit(FeatureMap.Raw(), labelled, other)).Message);
        var e = new FeatureClassifierOptions { Steps = -1, LearningRate = 0 }.Validate();
        Assert.Equal(["Steps", "LearningRate"], e.Select(x => x.Field));
        Assert.Contains(e, m => m.Message.Contains("classifier steps"));
        Assert.Contains(e, m => m.Message.Contains("classifier learning rate"));
        var clustering = new SelfTaughtClustering(new KMeansOptions { Clusters = 50 });
        Assert.Contains("fewer than the 50 clusters", Assert.Throws<ArgumentException>(() => clustering.Cluster(FeatureMap.Raw(), labelled)).Message);
    }
}
