using System.Diagnostics;
using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.SourceSelection;

/// <summary>How <see cref="Transferability.Rank"/> reads the target.</summary>
public sealed record RankOptions
{
    /// <summary>Score on K labelled examples per target class (drawn with <see cref="Seed"/>); null = all. Default null.</summary>
    public int? Shots { get; init; }
    /// <summary>Seeds the draw of the shots. Default 0.</summary>
    public int Seed { get; init; }
    /// <summary>Examples per forward pass. Default 64.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>The architecture of a PyTorch state-dict source (a <see cref="ModelZoo"/> name). Default resnet18.</summary>
    public string PyTorchArchitecture { get; init; } = "resnet18";
    /// <summary>Allow pickled PyTorch sources (unpickling can run code in the file). Default false.</summary>
    public bool AllowPickle { get; init; }
    /// <summary>The side target images are resized to for the ImageNet ResNet-18 when they are smaller than 32. Default 64.</summary>
    public int ImageNetSize { get; init; } = 64;
    /// <summary>
    /// Score every feature stage of each source (<see cref="StagedModel.StageNames"/> but the head), not only its last:
    /// which layer to cut the source at. Convolutional stage outputs <c>(N, C, H, W)</c> are averaged over H and W to
    /// <c>(N, C)</c>. Default false.
    /// </summary>
    public bool Layers { get; init; }
    /// <summary>Where the source model runs: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (the default: CUDA when
    /// TorchSharp reports it, else the CPU); see <see cref="DeviceChoice"/>. The scores are computed on the CPU.</summary>
    public string Device { get; init; } = "auto";
}

/// <summary>
/// Every score of one source on the target. LogME and H-score read the source's features (the output of every stage but
/// its head); LEEP and NCE also its classifier's predictions, so they are null for a source without a trained head
/// (the ImageNet ResNet-18 ships features only).
/// </summary>
/// <param name="Source">The source as given.</param>
/// <param name="Description">What the source is.</param>
/// <param name="Features">Feature dimensions D.</param>
/// <param name="Examples">Target examples scored.</param>
/// <param name="LogMe">LogME (higher is better).</param>
/// <param name="HScore">H-score (higher is better; saturates at classes − 1 when there are fewer examples than features).</param>
/// <param name="HScoreShrinkage">The shrinkage-regularised H-score (<see cref="ShrinkageHScore"/>; higher is better).</param>
/// <param name="Leep">LEEP (higher is better); null without a trained source head.</param>
/// <param name="Nce">NCE (higher is better); null without a trained source head.</param>
/// <param name="Seconds">Loading, the forward pass and the four scores (with <see cref="RankOptions.Layers"/>: loading and
/// the one forward pass shared by the source's stages, plus this stage's scores).</param>
public sealed record SourceScore(string Source, string Description, int Features, int Examples, double LogMe, double HScore, double HScoreShrinkage, double? Leep, double? Nce, double Seconds)
{
    /// <summary>
    /// With <see cref="RankOptions.Layers"/>, the stage whose output was scored (the source cut after it); null for a
    /// source scored at its last feature stage only. LEEP and NCE read the head, so only the last stage's row has them.
    /// </summary>
    public string? Stage { get; init; }
}

/// <summary>
/// Which source model to fine-tune from, predicted without fine-tuning: one forward pass of the target's labelled
/// examples through each source, scored by LogME, H-score (plain and shrinkage-regularised), LEEP and NCE.
/// </summary>
public static class Transferability
{
    /// <summary>Scores every source (with <see cref="RankOptions.Layers"/>, every stage of every source) on <paramref name="target"/> (labelled; not disposed), best LogME first.</summary>
    /// <param name="sources">Checkpoints of transfer train (model.pt), PyTorch state dicts or <see cref="ImageNetResNet18.SourceName"/>.</param>
    /// <param name="target">The labelled target.</param>
    /// <param name="options">Shots, seed, batch size.</param>
    /// <param name="sourceDone">Called after each source (e.g. for progress), with its last stage's row.</param>
    public static IReadOnlyList<SourceScore> Rank(IReadOnlyList<string> sources, Dataset target, RankOptions? options = null, Action<SourceScore>? sourceDone = null)
    {
        options ??= new RankOptions();
        if (!target.HasLabels) throw new ArgumentException($"target '{target.Name}' has no labels to score the sources against");
        if (options.Shots is < 1) throw new ArgumentException($"shots must be at least 1, got {options.Shots}");
        var scores = new List<SourceScore>();
        foreach (var source in sources)
        {
            var rows = options.Layers ? ScoreStages(source, target, options) : [Score(source, target, options)];
            scores.AddRange(rows);
            sourceDone?.Invoke(rows[^1]);
        }
        return scores.OrderByDescending(s => s.LogMe).ToArray();
    }

    /// <summary>Scores one source on the target, at its last feature stage.</summary>
    public static SourceScore Score(string source, Dataset target, RankOptions options) => Run(source, target, options, stages: false)[0];

    /// <summary>Scores every feature stage of one source on the target, in stage order (one forward pass).</summary>
    public static IReadOnlyList<SourceScore> ScoreStages(string source, Dataset target, RankOptions options) => Run(source, target, options, stages: true);

    private static SourceScore[] Run(string source, Dataset target, RankOptions options, bool stages)
    {
        var clock = Stopwatch.StartNew();
        // PrepareTarget takes ownership of what it is given: a copy (or the shots), never the caller's dataset.
        var copy = options.Shots is { } k ? target.TakePerClass(k, options.Seed) : target.Subset(Enumerable.Range(0, target.Count).Select(i => (long)i).ToArray());
        using var prepared = Prepare(source, copy, options);
        var (model, description) = SourceModel.Load(source, prepared.ExampleShape, options.PyTorchArchitecture, options.AllowPickle);
        using var _ = model;
        model.MoveTo(DeviceChoice.Resolve(options.Device));
        SourceModel.CheckCompatible(model, prepared.ExampleShape, source, target.Name);
        bool head = SourceModel.ClassNames(source) is not null;
        var (features, probabilities) = Forward(model, prepared, options.BatchSize, head, stages);
        var labels = prepared.LabelArray().Select(l => (int)l).ToArray();
        int classes = prepared.ClassCount;
        double shared = clock.Elapsed.TotalSeconds;
        var rows = new SourceScore[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            var stageClock = Stopwatch.StartNew();
            var p = i == features.Count - 1 ? probabilities : null;   // the head reads the last stage only
            double logMe = LogMe.Score(features[i], labels, classes), hScore = HScore.Score(features[i], labels, classes),
                shrunk = ShrinkageHScore.Score(features[i], labels, classes);
            double? leep = p is null ? null : Leep.Score(p, labels, classes), nce = p is null ? null : Nce.Score(p, labels, classes);
            rows[i] = new SourceScore(source, description, features[i].GetLength(1), labels.Length, logMe, hScore, shrunk, leep, nce,
                shared + stageClock.Elapsed.TotalSeconds) { Stage = stages ? model.StageNames[i] : null };
        }
        return rows;
    }

    /// <summary>
    /// The target as <paramref name="source"/> takes it: the channels and size of its inputs (a checkpoint's input shape;
    /// RGB of at least 32 pixels for the ImageNet ResNet-18) and its preprocessing
    /// (<see cref="SourceModel.PrepareTarget(string, Dataset)"/>). Takes ownership of <paramref name="data"/>. What
    /// <see cref="Rank"/> scores, and what a fine-tuning of the source should train on.
    /// </summary>
    public static Dataset Prepare(string source, Dataset data, RankOptions? options = null) =>
        SourceModel.PrepareTarget(source, Match(source, data, options ?? new RankOptions()));

    /// <summary>
    /// The target images in the channels and size the source takes (each source of a ranking may want others): a
    /// checkpoint's input shape, RGB of at least 32 pixels for the ImageNet ResNet-18. Takes ownership of <paramref name="data"/>.
    /// </summary>
    private static Dataset Match(string source, Dataset data, RankOptions options)
    {
        if (!data.IsImage) return data;
        long side = data.ExampleShape[1] == data.ExampleShape[2] ? data.ExampleShape[1] : -1;
        if (SourceModel.IsImageNet(source))
            return Catalog.Shape(data, new DataOptions { Channels = 3, Resize = side is > 0 and < 32 ? options.ImageNetSize : null });
        if (!File.Exists(Checkpoint.SidecarPath(source))) return data;
        var shape = Checkpoint.ReadInfo(source).InputShape;
        if (shape is not [var c, var h, var w]) return data;
        return Catalog.Shape(data, new DataOptions { Channels = (int)c, Resize = h == w && h != side ? (int)h : null });
    }

    /// <summary>
    /// Features <c>(N, D)</c> of the last feature stage, or with <paramref name="stages"/> of every feature stage (a
    /// convolutional output averaged over its H and W); with a head, the source classifier's probabilities <c>(N, Z)</c>.
    /// </summary>
    private static (List<double[,]> Features, double[,]? Probabilities) Forward(StagedModel model, Dataset data, int batchSize, bool head, bool stages)
    {
        model.eval();
        var device = Devices.Of(model);
        using var noGrad = no_grad();
        List<List<double[]>> features = [];
        var probabilities = new List<double[]>();
        long[] d = [];
        long z = 0;
        for (long start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var x = data.Inputs.narrow(0, start, Math.Min(batchSize, data.Count - start)).On(device);
            // Global average pooling of (B, C, H, W) stage outputs: the flattened maps of an early ResNet stage have
            // tens of thousands of dimensions, too many for H-score's D x D covariance.
            var outputs = stages ? model.StageOutputs(x).Select(o => o.dim() > 2 ? o.flatten(2).mean([2]) : o.flatten(1)).ToArray()
                : [model.Features(x).flatten(1)];
            if (features.Count == 0) features = outputs.Select(_ => new List<double[]>()).ToList();
            d = outputs.Select(o => o.shape[1]).ToArray();
            for (int i = 0; i < outputs.Length; i++) features[i].Add(outputs[i].to(float64).ToArrayOnCpu<double>());
            if (!head) continue;
            var p = softmax(model.forward(x), 1).to(float64);
            z = p.shape[1];
            probabilities.Add(p.ToArrayOnCpu<double>());
        }
        return (features.Select((f, i) => ToMatrix(f, d[i])).ToList(), head ? ToMatrix(probabilities, z) : null);
    }

    private static double[,] ToMatrix(List<double[]> rows, long columns)
    {
        long n = rows.Sum(r => r.LongLength) / columns;
        var m = new double[n, columns];
        long offset = 0;
        foreach (var r in rows)
        {
            Buffer.BlockCopy(r, 0, m, (int)(offset * sizeof(double)), r.Length * sizeof(double));
            offset += r.LongLength;
        }
        return m;
    }
}
