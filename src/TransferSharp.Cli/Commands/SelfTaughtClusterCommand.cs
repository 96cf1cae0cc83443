using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli.Evidence;
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
        if (settings.Clusters is null && !target.HasLabels) throw new ArgumentException($"--target {settings.Target} has no labels: pass --clusters");
        var experiment = OptionErrors.Named(() => new SelfTaughtClusteringExperiment(source, target, new SelfTaughtClusterOptions
        {
            Autoencoder = settings.ToAutoencoderOptions(),
            KMeans = settings.ToKMeansOptions(settings.Clusters ?? target.ClassCount),
            Clusters = settings.Clusters,
            PcaComponents = settings.PcaComponents,
        }), ("Clusters", "--clusters"), ("PcaComponents", "--pca-components"));
        int k = experiment.Clusters;

        var run = RunFolder.Create(settings.Runs, "selftaught-cluster");
        AnsiConsole.MarkupLine($"[bold]selftaught cluster[/] source {Markup.Escape(source.ToString())}; target {Markup.Escape(target.ToString())}; " +
                               $"k = {k}; {threads} threads, seed {settings.Seed}; run folder {Markup.Escape(run.Path)}");
        var ae = SelfTaughtRun.TrainAutoencoder(settings, progress => experiment.TrainAutoencoder(progress, cancellation));
        using var model = ae.Model;
        using var outcome = experiment.Run(ae, new SyncProgress<string>(SelfTaughtRun.Status), cancellation);
        var report = outcome.Report;

        run.WriteJson(run.Metrics, new SelfTaughtClusterMetrics(settings.Source!, settings.Target!, source.Provenance, target.Provenance, settings.Seed,
            ThreadedMachine.Current(threads), settings.ToAutoencoderOptions(), experiment.KMeans, report.Counts, report.Autoencoder, report.Results,
            report.Assignments));
        model.save(Path.Combine(run.Path, "autoencoder.pt"));
        SelfTaughtRun.SaveReconstructions(Path.Combine(run.Path, "reconstructions.png"), model, source, target);
        SelfTaughtRun.SaveFeatureMaps(run.Path, outcome.Maps, target, settings.Tsne, settings.Seed, report.Results.Select(o => report.Assignments[o.Features]).ToArray());

        SelfTaughtRun.PrintAutoencoder(ae, report.Autoencoder.TargetReconstructionLoss);
        var table = new Table().Title($"k-means (k = {k}) on {Markup.Escape(settings.Target!)} ({target.Count} examples)")
            .AddColumns("features", "dimension", "accuracy", "NMI", "ARI");
        foreach (var o in report.Results)
            table.AddRow(Markup.Escape(o.Features), $"{o.Dimension}", Fmt(o.Score?.Accuracy, "P2"), Fmt(o.Score?.Nmi, "0.000"), Fmt(o.Score?.Ari, "0.000"));
        AnsiConsole.Write(table);
        if (!target.HasLabels) AnsiConsole.MarkupLine("[grey]the target has no labels: no scores, the assignments are in metrics.json[/]");
        AnsiConsole.MarkupLine($"run folder [bold]{Markup.Escape(run.Path)}[/]");
        return 0;
    }

    private static string Fmt(double? v, string format) => v is { } x ? x.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";
}
