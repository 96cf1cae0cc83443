using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Tests.FineTuning;

[Collection("Sequential")]
public sealed class ConservativeSearchTests
{
    private static readonly TrainingOptions Training = new() { Epochs = 12, BatchSize = 9, Threads = 1, Seed = 7 };

    // Three settings that train differently: plain, L2-SP, L2-SP + LwF.
    private static readonly ConservativeCandidate[] Candidates =
    [
        ConservativeCandidate.Standard[0],
        ConservativeCandidate.Standard[3],
        ConservativeCandidate.Standard[4],
    ];

    // Source: an mlp on 6 Gaussian blobs in 48 dimensions; target: which pair of blobs (0-1, 2-3, 4-5).
    private static (StagedModel Source, Dataset Pool) Setup()
    {
        using var sourceData = TestData.Blobs(150, 6, 48, seed: 21);
        Seeding.SeedEverything(1);
        var source = ModelZoo.Create(new ModelSpec("mlp", [48], 6));
        new SupervisedTrainer(new TrainingOptions { Epochs = 3, Threads = 1, Seed = 1 }).Fit(source, sourceData);
        using var blobs = TestData.Blobs(40, 6, 48, seed: 22);
        using var scope = NewDisposeScope();   // as FineTunerTests.Pairs: the dataset keeps its own tensors
        return (source, blobs.WithLabels(blobs.Labels!.div(2, rounding_mode: RoundingMode.floor), ["pair01", "pair23", "pair45"], "pairs of blobs"));
    }

    [Fact]
    public void Stratified_folds_hold_out_every_example_once_and_keep_every_class_in_proportion()
    {
        // Classes of 7, 5 and 4 examples, interleaved.
        long[] labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 0, 0];
        var byClass = Splits.ByClass(labels, 3);
        var heldCount = new int[labels.Length];
        for (int f = 0; f < 3; f++)
        {
            var (train, held) = Splits.StratifiedFold(byClass, 3, f, seed: 5);
            Assert.Empty(train.Intersect(held));
            Assert.Equal(labels.Length, train.Count + held.Count);
            foreach (var i in held) heldCount[i]++;
            for (int c = 0; c < 3; c++)
            {
                int inFold = held.Count(i => labels[i] == c), members = byClass[c].Count;
                Assert.InRange(inFold, members / 3, (members + 2) / 3);   // floor or ceiling of a third
            }
            Assert.Equal(held, Splits.StratifiedFold(byClass, 3, f, seed: 5).Held);   // seeded
        }
        Assert.All(heldCount, n => Assert.Equal(1, n));
    }

    [Fact]
    public void With_a_validation_part_each_candidate_scores_what_its_own_run_scores_and_the_best_is_chosen()
    {
        var (source, pool) = Setup();
        using var _s = source;
        using var _p = pool;
        var (rest, validation) = pool.StratifiedSplit(0.5, seed: 3);
        using var _r = rest;
        using var _v = validation;
        using var train = rest.TakePerClass(4, seed: 4);
        var options = new FineTuningOptions { Training = Training };

        var choice = ConservativeSearch.Choose(source, train, options, new ConservativeSearchOptions { Candidates = Candidates }, validation);

        // Each candidate fitted on its own, outside the search, and scored on the validation part.
        var alone = Candidates.Select(c =>
        {
            var result = new FineTuner(options with { Conservative = c.Conservative, Transfer = options.Transfer with { CopiedLearningRateScale = c.CopiedLearningRateScale } })
                .Fit(source, train);
            using var model = result.Model;
            using var old = result.OldTaskModel;
            return Metrics.Evaluate(model, validation);
        }).ToArray();
        Assert.Equal(alone.Select(s => s.Accuracy), choice.Scores.Select(s => s.Accuracy));
        Assert.Equal(alone.Select(s => s.Loss), choice.Scores.Select(s => s.Loss));
        Assert.Equal(0, choice.Folds);
        // The default criterion: the highest accuracy, its ties broken by the lower loss.
        var chosen = choice.Scores.Single(s => s.Candidate == choice.Chosen);
        double best = alone.Max(s => s.Accuracy);
        Assert.Equal(best, chosen.Accuracy);
        Assert.Equal(alone.Where(s => s.Accuracy == best).Min(s => s.Loss), chosen.Loss);
        Assert.True(chosen.Accuracy > 0.6, $"chosen {choice.Chosen.Name}: {chosen.Accuracy:P1}");   // chance 1/3
        // By loss: the lowest.
        var byLoss = ConservativeSearch.Choose(source, train, options,
            new ConservativeSearchOptions { Candidates = Candidates, Criterion = SearchCriterion.Loss }, validation);
        Assert.Equal(alone.Min(s => s.Loss), byLoss.Scores.Single(s => s.Candidate == byLoss.Chosen).Loss);
    }

    [Fact]
    public void Without_one_it_cross_validates_on_the_training_examples_with_at_most_as_many_folds_as_the_smallest_class()
    {
        var (source, pool) = Setup();
        using var _s = source;
        using var _p = pool;
        using var train = pool.TakePerClass(3, seed: 4);
        var options = new FineTuningOptions { Training = Training };

        var choice = ConservativeSearch.Choose(source, train, options, new ConservativeSearchOptions { Candidates = Candidates });

        Assert.Equal(3, choice.Folds);   // 5 asked, 3 examples per class
        Assert.Contains("3-fold cross-validation on the 9 training examples", choice.Protocol);
        Assert.All(choice.Scores, s => Assert.Equal(3, s.FoldAccuracies.Count));
        // Fold 2 of the second candidate, redone by hand: trained on the other folds, scored on the held-out one.
        var (foldTrain, held) = train.StratifiedFold(3, 2, Training.Seed);
        using (foldTrain)
        using (held)
        {
            var result = new FineTuner(options with { Conservative = Candidates[1].Conservative }).Fit(source, foldTrain);
            using var model = result.Model;
            Assert.Equal(Metrics.Evaluate(model, held).Accuracy, choice.Scores[1].FoldAccuracies[2]);
        }
        Assert.Equal(choice.Scores.Max(s => s.Accuracy), choice.Scores.Single(s => s.Candidate == choice.Chosen).Accuracy);
    }

    [Fact]
    public void One_example_of_a_class_is_too_few_to_cross_validate_and_the_error_says_so()
    {
        var (source, pool) = Setup();
        using var _s = source;
        using var _p = pool;
        using var train = pool.TakePerClass(1, seed: 4);
        var e = Assert.Throws<InvalidOptionsException>(() => ConservativeSearch.Choose(source, train, new FineTuningOptions { Training = Training }));
        var error = Assert.Single(e.Errors);
        Assert.Equal("Folds", error.Field);
        Assert.Contains("at least 2 training examples of every class", error.Message);
        Assert.Throws<InvalidOptionsException>(() => ConservativeSearch.Choose(source, pool, new FineTuningOptions { Training = Training },
            new ConservativeSearchOptions { Candidates = [] }));
    }
}
