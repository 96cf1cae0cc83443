using Spectre.Console;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Reporting;
using GridRow = TransferSharp.Reporting.GridRow;
using TransferSharp.SelfTaught;

namespace TransferSharp.Cli.Commands;

/// <summary>The steps both self-taught commands take: load the two sets, train the autoencoder, leave evidence.</summary>
internal static class SelfTaughtRun
{
    /// <summary>Loads the source (labels dropped) and the target and checks their example shapes agree.</summary>
    public static (Dataset Source, Dataset Target) Load(SelfTaughtSettings settings)
    {
        Dataset? target = null;
        using var labelledSource = settings.SourceData.LoadData();
        var source = labelledSource.WithoutLabels();
        try
        {
            target = settings.TargetData.LoadData();
            if (!source.ExampleShape.SequenceEqual(target.ExampleShape))
                throw new ArgumentException($"--source {settings.Source} has examples of shape {Shape(source)} but --target {settings.Target} has {Shape(target)}; " +
                                            "pass --resize and --channels to bring them to one shape");
            if (source.Count == 0) throw new ArgumentException($"--source {settings.Source}: no examples");
            // Builds (and drops) the autoencoder once so that a shape it cannot take fails before any run folder exists.
            try
            {
                using var probe = SelfTaught.Autoencoder.Create(source.ExampleShape, settings.ToAutoencoderOptions());
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"--autoencoder {settings.Autoencoder}: {e.Message}");
            }
            return (source, target);
        }
        catch
        {
            source.Dispose();
            target?.Dispose();
            throw;
        }
    }

    /// <summary>Trains the autoencoder (<paramref name="train"/>: the experiment's step) under a progress bar.</summary>
    public static AutoencoderResult TrainAutoencoder(SelfTaughtSettings settings, Func<IProgress<TransferSharp.Training.TrainingProgress>, AutoencoderResult> train) =>
        ProgressBar.Run($"{settings.Autoencoder} autoencoder on {settings.Source}", train, loss: "reconstruction", accuracy: false);

    /// <summary>reconstructions.png: rows of source and target examples, each followed by its reconstruction.</summary>
    public static void SaveReconstructions(string path, Autoencoder model, Dataset source, Dataset target, int count = 12)
    {
        if (model.InputShape.Length != 3) return;    // feature vectors: nothing to draw
        int c = (int)model.InputShape[0], h = (int)model.InputShape[1], w = (int)model.InputShape[2];
        if (c is not (1 or 3)) return;
        var rows = new List<GridRow>();
        foreach (var (name, data) in new[] { ("source", source), ("target", target) })
        {
            var pairs = model.ReconstructionExamples(data, count);
            rows.Add(new GridRow(name, pairs.Select(p => new GridImage(c, h, w, p.Original)).ToArray()));
            rows.Add(new GridRow($"{name} recon.", pairs.Select(p => new GridImage(c, h, w, p.Reconstruction)).ToArray()));
        }
        ImageGrid.Save(path, rows);
    }

    /// <summary>
    /// tsne-&lt;features&gt;.png: t-SNE of target examples under each feature map, coloured by true class; an unlabelled
    /// target is coloured by the k-means cluster of each example under that map (<paramref name="clusters"/>, one per map).
    /// </summary>
    public static void SaveFeatureMaps(string folder, IReadOnlyList<FeatureMap> maps, Dataset target, int count, int seed,
        IReadOnlyList<long[]>? clusters = null)
    {
        if (count < 4 || target.Count < 4) return;               // t-SNE needs at least 4 points
        for (int i = 0; i < maps.Count; i++)
        {
            var map = maps[i];
            Dataset? coloured = null;
            string colour = "class";
            if (!target.HasLabels)
            {
                if (clusters is null) continue;                  // nothing to colour by
                int k = (int)clusters[i].Max() + 1;
                coloured = target.WithLabelValues(clusters[i], Enumerable.Range(0, k).Select(c => $"cluster {c}").ToArray(), "k-means clusters");
                colour = "k-means cluster";
            }
            using var _ = coloured;
            var data = coloured ?? target;
            var points = FeatureMapEmbedding.Compute(map, data, count, new TsneOptions { Seed = seed })
                .Select(p => new EmbeddedPoint(p.X, p.Y, p.Class, 0)).ToArray();
            EmbeddingPlot.Save(Path.Combine(folder, $"tsne-{FileName(map.Name)}.png"), points, data.ClassNames, ["target"],
                $"t-SNE of the target's {map.Name} features ({points.Length} examples), coloured by {colour}");
        }
    }

    /// <summary>"pca-50 (target)" becomes "pca-50-target": no spaces or brackets in file names.</summary>
    internal static string FileName(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9.]+", "-").Trim('-');

    public static void PrintAutoencoder(AutoencoderResult ae, double targetReconstruction)
    {
        var f = ae.Final;
        Tables.KeyValues("autoencoder",
        [
            ("kind", $"{ae.Model.Kind}, {ae.Model.CodeSize} code units"),
            ("source reconstruction", $"{ae.History[0].ReconstructionLoss:0.00} (epoch 1) -> {f.ReconstructionLoss:0.00} (epoch {f.Epoch})"),
            ("target reconstruction", $"{targetReconstruction:0.00}"),
            ("mean activation", $"{f.MeanActivation:0.000}"),
            ("training time", $"{ae.History.Sum(h => h.Seconds):0.0} s"),
        ]);
    }

    public static void Status(string text) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    private static string Shape(Dataset d) => $"[{string.Join(", ", d.ExampleShape)}]";
}
