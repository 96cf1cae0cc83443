using System.Globalization;
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
    /// <summary>The shared settings and k-means (the <see cref="KMeansOptions"/> group).</summary>
    internal sealed class Settings : SelfTaughtSettings
    {
        [CommandOption("-c|--clusters <K>"), Description("Number of clusters. Default: the target's class count.")]
        public int? Clusters { get; init; }
        [CommandOption("--restarts <N>"), Description("k-means++ restarts. Default 10.")]
        public int? Restarts { get; init; }
        [CommandOption("--max-iterations <N>"), Description("Lloyd iterations per restart at most. Default 100.")]
        public int? MaxIterations { get; init; }
        [CommandOption("--refine <METHOD>"), Description("After k-means on the codes: dec (deep embedded clustering, one more row) or none. Default dec.")]
        public string Refine { get; init; } = "dec";

        /// <summary>Clustering's autoencoder: no sparsity, light weight decay (the sparse codes cluster worse than pixels).</summary>
        protected override AutoencoderOptions AutoencoderDefaults => SelfTaughtClusterOptions.DefaultAutoencoder;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Refine is not ("dec" or "none")) return ValidationResult.Error($"--refine '{Refine}' is unknown (choose dec, none)");
            return OptionNames.Check(this, ToOptions().Validate());
        }

        public SelfTaughtClusterOptions ToOptions()
        {
            var k = new KMeansOptions();
            return new SelfTaughtClusterOptions
            {
                Autoencoder = ToAutoencoderOptions(),
                KMeans = k with { Restarts = Restarts ?? k.Restarts, MaxIterations = MaxIterations ?? k.MaxIterations, Seed = Seed },
                Clusters = Clusters,
                Dec = Refine == "none" ? null : new DecOptions(),
                PcaComponents = PcaComponents,
            };
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) => CtrlC.Run(cancellationToken, cancellation =>
    {
        var (source, target) = SelfTaughtRun.Load(settings);
        using var _source = source;
        using var _target = target;
        var experiment = new SelfTaughtClusteringExperiment(source, target, settings.ToOptions());
        var (run, report) = SelfTaughtRun.Run(settings, "selftaught cluster", source, target, experiment, $"; k = {experiment.Clusters}",
            new { AutoencoderOptions = settings.ToAutoencoderOptions(), KmeansOptions = experiment.KMeans, DecOptions = settings.ToOptions().Dec }, cancellation,
            r => r.Results.Select(o => r.Assignments[o.Features]).ToArray());
        var table = new Table().Title($"k-means (k = {experiment.Clusters}) on {Markup.Escape(settings.Target!)} ({target.Count} examples)")
            .AddColumns("features", "dimension", "accuracy", "NMI", "ARI");
        foreach (var o in report.Results)
            table.AddRow(Markup.Escape(o.Features), $"{o.Dimension}", Fmt(o.Score?.Accuracy, "P2"), Fmt(o.Score?.Nmi, "0.000"), Fmt(o.Score?.Ari, "0.000"));
        AnsiConsole.Write(table);
        if (!target.HasLabels) AnsiConsole.MarkupLine("[grey]the target has no labels: no scores, the assignments are in metrics.json[/]");
        AnsiConsole.MarkupLine($"run folder [bold]{Markup.Escape(run.Path)}[/]");
        return 0;
    });

    private static string Fmt(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
}
