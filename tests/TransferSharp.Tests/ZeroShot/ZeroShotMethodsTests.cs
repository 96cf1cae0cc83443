using TransferSharp.Data;
using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.ZeroShot;

[Collection("Sequential")]
public sealed class ZeroShotMethodsTests
{
    // Fifteen classes: every non-empty combination of four attributes (class k has the bits of k + 1), so the attributes
    // vary independently over the seen classes. Unseen: 0101, 1010 and 0110 (classes 4, 9, 5), new combinations of
    // attributes that the seen classes show one by one. Chance among them: 1/3.
    private static readonly int[][] Attributes =
        Enumerable.Range(1, 15).Select(k => Enumerable.Range(0, 4).Select(b => (k >> (3 - b)) & 1).ToArray()).ToArray();
    private static readonly string[] Names = Enumerable.Range(0, 15).Select(k => $"c{k}").ToArray();
    internal static readonly int[] Unseen = [4, 9, 5];

    internal static ClassDescriptions Descriptions() =>
        new("synthetic", DescriptionKind.Attributes, Names, ["a0", "a1", "a2", "a3"],
            Attributes.Select(r => (IReadOnlyList<float>)r.Select(v => (float)v).ToArray()).ToArray());

    /// <summary>Features that show the attributes: dimension m is ±1.5 as attribute m is on or off, plus noise and 4 noise dimensions.</summary>
    internal static Dataset AttributeData(int perClass, int seed)
    {
        var rng = new Random(seed);
        int classes = Names.Length, n = perClass * classes, dims = 8;
        var x = new float[n * dims];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int k = i % classes;
            y[i] = k;
            for (int d = 0; d < dims; d++)
                x[i * dims + d] = (float)(Gaussian(rng) * 0.8 + (d < 4 ? (Attributes[k][d] == 1 ? 1.5 : -1.5) : 0));
        }
        return new Dataset("attributes", tensor(x, [n, dims]), tensor(y, [n]), Names, "synthetic");
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    internal static readonly ZeroShotOptions Options = new() { Architecture = "mlp", Epochs = 3, BatchSize = 32, Threads = 2, Seed = 1 };

    [Theory]
    [InlineData(DapScoring.Probabilistic)]
    [InlineData(DapScoring.Nearest)]
    public void Dap_recognises_unseen_classes_far_above_chance_when_attributes_determine_the_class(DapScoring scoring)
    {
        using var data = AttributeData(60, seed: 3);
        var outcome = ZeroShotExperiment.Run(data, Descriptions(), Unseen, ZeroShotMethod.Dap, Options with { DapScoring = scoring });
        using var model = outcome.Model;
        var r = outcome.Report;
        Assert.Equal(1.0 / 3, r.Chance, 12);
        Assert.True(r.UnseenAccuracy > 0.8, $"DAP ({scoring}) unseen accuracy {r.UnseenAccuracy:P1}, chance 33%");
        Assert.Equal(180, outcome.UnseenTestCount);
        Assert.NotNull(r.Generalized);
        Assert.True(r.Generalized!.SeenAccuracy > 0.5, $"generalized seen accuracy {r.Generalized.SeenAccuracy:P1}");
        Assert.Empty(((DapModel)model).IgnoredAttributes);
    }

    [Fact]
    public void Embedding_with_the_max_margin_loss_recognises_unseen_classes_above_chance()
    {
        using var data = AttributeData(60, seed: 4);
        var outcome = ZeroShotExperiment.Run(data, Descriptions(), Unseen, ZeroShotMethod.Embedding, Options with { Epochs = 5 });
        using var model = outcome.Model;
        Assert.True(outcome.Report.UnseenAccuracy > 0.8, $"embedding unseen accuracy {outcome.Report.UnseenAccuracy:P1}, chance 33%");
        Assert.Equal(5, model.History.Count);
        Assert.True(model.History[^1].TrainLoss < model.History[0].TrainLoss, "the max-margin loss should fall");
    }

    [Fact]
    public void ConSE_trains_a_seen_class_classifier_and_scores_every_class()
    {
        using var data = AttributeData(40, seed: 5);
        var outcome = ZeroShotExperiment.Run(data, Descriptions(), Unseen, ZeroShotMethod.ConSE, Options);
        using var model = outcome.Model;
        Assert.True(model.History[^1].TrainAccuracy > 0.7, $"seen-class training accuracy {model.History[^1].TrainAccuracy:P1} (12 classes)");
        Assert.Equal(15, outcome.Report.PerClass.Count);
        Assert.All(outcome.Report.PerClass.Where(c => !c.Seen), c => Assert.NotNull(c.ZeroShotAccuracy));
        // The convex combination of the seen classes' attribute vectors lands nearest the unseen class's own (1.0 measured, seed 1).
        Assert.True(outcome.Report.UnseenAccuracy > 0.8, $"ConSE unseen accuracy {outcome.Report.UnseenAccuracy:P1}, chance 33%");
    }

    [Fact]
    public void Dap_rejects_word_vectors_and_duplicate_descriptions()
    {
        using var data = AttributeData(10, seed: 6);
        var words = new ClassDescriptions("v.txt", DescriptionKind.WordVectors, Descriptions().ClassNames, ["d0", "d1"],
            Enumerable.Range(0, 15).Select(k => (IReadOnlyList<float>)[k, -k]).ToArray());
        var e = Assert.Throws<ArgumentException>(() => ZeroShotExperiment.Prepare(data, words, ZeroShotMethod.Dap));
        Assert.Contains("DAP needs an attribute table", e.Message);

        var rows = Attributes.Select(r => (IReadOnlyList<float>)r.Select(v => (float)v).ToArray()).ToArray();
        rows[14] = rows[0];
        var clash = new ClassDescriptions("t.csv", DescriptionKind.Attributes, Descriptions().ClassNames, ["a0", "a1", "a2", "a3"], rows);
        var d = Assert.Throws<InvalidDataException>(() => ZeroShotExperiment.Prepare(data, clash, ZeroShotMethod.Embedding));
        Assert.Contains("'c0' = 'c14'", d.Message);
    }

    [Fact]
    public void Split_keeps_unseen_images_out_of_training()
    {
        using var data = AttributeData(20, seed: 7);
        using var split = ZeroShotSplit.Create(data, Unseen, 0.25, seed: 0);
        Assert.Equal(Enumerable.Range(0, 15).Except(Unseen), split.Seen);
        Assert.Equal(split.Seen.Select(c => Names[c]), split.SeenTrain.ClassNames);
        Assert.Equal(12 * 15, split.SeenTrain.Count);
        Assert.Equal(12 * 5, split.SeenTest.Count);
        Assert.Equal(60, split.UnseenTest.Count);
        Assert.All(split.UnseenTest.LabelArray(), y => Assert.Contains((int)y, Unseen));
        Assert.All(split.SeenTest.LabelArray(), y => Assert.DoesNotContain((int)y, Unseen));
        Assert.Throws<ArgumentException>(() => ZeroShotSplit.Create(data, Enumerable.Range(0, 14).ToArray(), 0.2, 0));
        Assert.Throws<ArgumentException>(() => ZeroShotSplit.Create(data, [4, 4], 0.2, 0));
        Assert.Equal([5, 2], ZeroShotSplit.ParseClasses("c5,2", data));
    }
}
