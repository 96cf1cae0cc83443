using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// <c>transfer selftaught cluster</c>: autoencoder on the unlabelled source, then k-means on the target's codes,
/// against k-means on raw inputs and on PCA (fitted on the target, and on the source).
/// </summary>
internal sealed class SelfTaughtClusterCommand : Command<SelfTaughtClusterCommand.Settings>
{
    internal sealed class Settings : SelfTaughtSettings
    {
        [CommandOption("-c|--clusters <K>")]
        [Description("Number of clusters. Default: the target's class count.")]
        public int? Clusters { get; init; }

        [CommandOption("--restarts <N>")]
        [Description("k-means++ restarts. Default 10.")]
        public int Restarts { get; init; } = 10;

        [CommandOption("--max-iterations <N>")]
        [Description("Lloyd iterations per restart at most. Default 100.")]
        public int MaxIterations { get; init; } = 100;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            var errors = ToKMeansOptions(Clusters ?? 2).Validate();
            if (Clusters is < 1) return ValidationResult.Error($"--clusters must be at least 1, got {Clusters}");
            return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error("--restarts/--max-iterations: " + string.Join("; ", errors));
        }

        public KMeansOptions ToKMeansOptions(int clusters) =>
            new() { Clusters = clusters, Restarts = Restarts, MaxIterations = MaxIterations, Seed = Seed };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Cluster(settings, token));

    private static int Cluster(Settings settings, CancellationToken cancellation)
    {
        int threads = Seeding.SetThreads(settings.Threads);
        Seeding.SeedEverything(settings.Seed);
        var (source, target) = SelfTaughtRun.Load(settings);
        using var _source = source;
        using var _target = target;
        int k = settings.Clusters ?? (target.HasLabels ? target.ClassCount
            : throw new ArgumentException($"--target {settings.Target} has no labels: pass --clusters"));
        if (target.Count < k) throw new ArgumentException($"--clusters {k}: --target {settings.Target} has only {target.Count} examples");
        long dims = source.ExampleShape.Aggregate(1L, (a, b) => a * b);
        int maxComponents = (int)Math.Min(Math.Min(source.Count, target.Count), dims);
        if (settings.PcaComponents > maxComponents)
            throw new ArgumentException($"--pca-components {settings.PcaComponents}: at most {maxComponents} (the examples or dimensions of source and target)");
        var clustering = new SelfTaughtClustering(settings.ToKMeansOptions(k));

        var run = RunFolder.Create(settings.Runs, "selftaught-cluster");
        AnsiConsole.MarkupLine($"[bold]selftaught cluster[/] source {Markup.Escape(source.ToString())}; target {Markup.Escape(target.ToString())}; " +
                               $"k = {k}; {threads} threads, seed {settings.Seed}; run folder {Markup.Escape(run.Path)}");
        var ae = SelfTaughtRun.TrainAutoencoder(settings, source, cancellation);
        using var model = ae.Model;
        double targetRecon = model.ReconstructionLoss(target);

        using var pcaTarget = Pca.Fit(target, settings.PcaComponents);
        using var pcaSource = Pca.Fit(source, settings.PcaComponents);
        FeatureMap[] maps =
        [
            FeatureMap.Raw(),
            FeatureMap.Pca(pcaTarget, $"pca-{settings.PcaComponents} (target)"),
            FeatureMap.Pca(pcaSource, $"pca-{settings.PcaComponents} (source)"),
            FeatureMap.Encoder(model),
        ];
        var outcomes = new List<ClusteringOutcome>();
        foreach (var m in maps)
        {
            SelfTaughtRun.Status($"k-means on {m.Name} features");
            outcomes.Add(clustering.Cluster(m, target, cancellation));
        }

        run.WriteJson(run.Metrics, new
        {
            command = "selftaught cluster",
            source = settings.Source,
            target = settings.Target,
            source_provenance = source.Provenance,
            target_provenance = target.Provenance,
            seed = settings.Seed,
            machine = SelfTaughtRun.Machine(threads),
            autoencoder_options = settings.ToAutoencoderOptions(),
            kmeans_options = settings.ToKMeansOptions(k),
            counts = new { source = source.Count, target = target.Count },
            autoencoder = new { code_size = model.CodeSize, target_reconstruction_loss = targetRecon, history = ae.History },
            results = outcomes.Select(o => new { features = o.Features, dimension = o.FeatureDimension, inertia = o.Inertia, score = o.Score }),
            assignments = outcomes.ToDictionary(o => o.Features, o => o.Assignments),
        });
        model.save(Path.Combine(run.Path, "autoencoder.pt"));
        SelfTaughtRun.SaveReconstructions(Path.Combine(run.Path, "reconstructions.png"), model, source, target);
        SelfTaughtRun.SaveFeatureMaps(run.Path, maps, target, settings.Tsne, settings.Seed, outcomes.Select(o => o.Assignments).ToArray());

        SelfTaughtRun.PrintAutoencoder(ae, targetRecon);
        var table = new Table().Title($"k-means (k = {k}) on {Markup.Escape(settings.Target!)} ({target.Count} examples)")
            .AddColumns("features", "dimension", "accuracy", "NMI", "ARI");
        foreach (var o in outcomes)
            table.AddRow(Markup.Escape(o.Features), $"{o.FeatureDimension}", Fmt(o.Score?.Accuracy, "P2"), Fmt(o.Score?.Nmi, "0.000"), Fmt(o.Score?.Ari, "0.000"));
        AnsiConsole.Write(table);
        if (!target.HasLabels) AnsiConsole.MarkupLine("[grey]the target has no labels: no scores, the assignments are in metrics.json[/]");
        AnsiConsole.MarkupLine($"run folder [bold]{Markup.Escape(run.Path)}[/]");
        return 0;
    }

    private static string Fmt(double? v, string format) => v is { } x ? x.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";
}
