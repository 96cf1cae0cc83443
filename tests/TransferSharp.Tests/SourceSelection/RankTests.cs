using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.SourceSelection;
using TransferSharp.Tests.Cli;
using TransferSharp.Training;

namespace TransferSharp.Tests.SourceSelection;

[Collection("Sequential")]
public sealed class RankTests
{
    /// <summary>
    /// A LeNet-free, seconds-long case: an MLP trained on optdigits 5-9 and one trained on label noise, scored on 10 shots
    /// per class of optdigits 0-4. Both have a trained head, so all four scores are there.
    /// </summary>
    [Fact]
    public void The_head_based_scores_rank_a_source_trained_on_digits_above_one_trained_on_shuffled_labels()
    {
        using var dir = new TestData.TempFolder();
        string related = Train(dir.File("related.pt"), shuffleLabels: false), noise = Train(dir.File("noise.pt"), shuffleLabels: true);
        using var target = Catalog.Load("optdigits:0-4");
        var scores = Transferability.Rank([noise, related], target, new RankOptions { Shots = 10, Seed = 1 });
        Assert.Equal(2, scores.Count);
        Assert.All(scores, s => Assert.Equal(50, s.Examples));
        Assert.All(scores, s => Assert.True(s.Leep is < 0 && s.Nce is <= 0 && double.IsFinite(s.LogMe) && double.IsFinite(s.HScore) && double.IsFinite(s.HScoreShrinkage), $"{s}"));
        var r = scores.Single(s => s.Source == related);
        var n = scores.Single(s => s.Source == noise);
        // LEEP and NCE read the source's head: its 5-9 decisions map the target's 0-4 digits consistently only when it learnt
        // digits. LogME and H-score read the features alone, and an MLP that memorised shuffled labels keeps features that
        // still describe its input (measured: LogME -0.19 for the noise source against -0.27 for the related one), so no
        // ordering is asserted for them.
        Assert.True(r.Leep > n.Leep + 0.2, $"LEEP related {r.Leep}, noise {n.Leep}");
        Assert.True(r.Nce > n.Nce, $"NCE related {r.Nce}, noise {n.Nce}");
    }

    /// <summary>
    /// A small CNN trained on half of optdigits 0-4, each of its three stages scored on 10 shots per class of the other
    /// half: the stages a network stacks to separate exactly these classes should make them no less linearly
    /// explainable than its first, generic one.
    /// </summary>
    [Fact]
    public void With_layers_every_stage_is_scored_and_the_last_stage_of_a_net_trained_on_the_target_classes_beats_the_first()
    {
        using var dir = new TestData.TempFolder();
        using var all = Catalog.Load("optdigits:0-4");
        var (train, test) = all.StratifiedSplit(0.5, seed: 3);
        using var _ = train;
        using var __ = test;
        Seeding.SeedEverything(0);
        using (var model = ModelZoo.Create(new ModelSpec("cnn", train.ExampleShape, train.ClassCount)))
        {
            new SupervisedTrainer(new TrainingOptions { Epochs = 4, Threads = 1 }).Fit(model, train);
            Checkpoint.Save(dir.File("cnn.pt"), model, new CheckpointInfo { Architecture = "cnn", InputShape = train.ExampleShape, ClassNames = train.ClassNames.ToArray(), Data = "optdigits:0-4" });
        }
        var rows = Transferability.Rank([dir.File("cnn.pt")], test, new RankOptions { Shots = 10, Seed = 1, Layers = true });
        Assert.Equal(["block1", "block2", "block3"], rows.Select(r => r.Stage!).Order());
        var byStage = rows.ToDictionary(r => r.Stage!);
        Assert.Equal([32, 64, 128], new[] { "block1", "block2", "block3" }.Select(s => byStage[s].Features));
        Assert.All(rows, r => Assert.Equal(50, r.Examples));
        // The head reads block3's output only.
        Assert.True(byStage["block3"].Leep is not null && byStage["block1"].Leep is null && byStage["block2"].Nce is null);
        Assert.True(byStage["block3"].LogMe > byStage["block1"].LogMe,
            $"LogME block1 {byStage["block1"].LogMe}, block2 {byStage["block2"].LogMe}, block3 {byStage["block3"].LogMe}");
        // Measured: LogME -0.17, 0.34, 0.73 for block1..3.
        // The same source without --layers is its last stage's row.
        var last = Transferability.Score(dir.File("cnn.pt"), test, new RankOptions { Shots = 10, Seed = 1 });
        Assert.Null(last.Stage);
        Assert.Equal(byStage["block3"].LogMe, last.LogMe, 9);
    }

    [Fact]
    public void The_command_with_layers_prints_a_row_per_stage()
    {
        using var dir = new TestData.TempFolder();
        Train(dir.File("mlp.pt"), shuffleLabels: false);
        var r = CliRunner.Run(dir.Path, "rank", "--sources", "mlp.pt", "--target", "optdigits:0-4", "--shots", "5", "--layers", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = r.Stdout.Split('\n').Where(l => l.Contains("│ mlp.pt")).ToArray();
        Assert.Equal(2, rows.Length);   // the MLP's feature stages fc1 and fc2; the head is not a row
        Assert.Contains(rows, l => l.Contains(" fc1 "));
        Assert.Contains(rows, l => l.Contains(" fc2 "));
    }

    [Fact]
    public void The_command_refuses_a_missing_target_in_one_line()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "rank", "--sources", "resnet18-imagenet");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: --target is required", r.Stderr.Trim());
    }

    private static string Train(string path, bool shuffleLabels)
    {
        using var source = Catalog.Load("optdigits:5-9");
        var labels = source.LabelArray();
        if (shuffleLabels) new Random(5).Shuffle(labels);
        using var data = new Dataset(source.Name, source.Inputs.clone(), torch.tensor(labels), source.ClassNames, shuffleLabels ? "optdigits 5-9, labels shuffled" : "optdigits 5-9");
        Seeding.SeedEverything(0);
        using var model = ModelZoo.Create(new ModelSpec("mlp", data.ExampleShape, data.ClassCount));
        new SupervisedTrainer(new TrainingOptions { Epochs = 8, Threads = 1 }).Fit(model, data);
        Checkpoint.Save(path, model, new CheckpointInfo { Architecture = "mlp", InputShape = data.ExampleShape, ClassNames = data.ClassNames.ToArray(), Data = data.Provenance });
        return path;
    }
}
