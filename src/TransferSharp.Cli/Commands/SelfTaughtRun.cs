using System.Runtime.InteropServices;
using System.Text.Json;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.SelfTaught;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary>The steps both self-taught commands take: load the two sets, train the autoencoder, leave evidence.</summary>
internal static class SelfTaughtRun
{
    /// <summary>The source (labels dropped) and the target; the experiment checks that their shapes agree.</summary>
    public static (Dataset Source, Dataset Target) Load(SelfTaughtSettings settings)
    {
        Dataset source;
        using (var labelled = settings.Load(settings.Source!)) source = labelled.WithoutLabels();
        try { return (source, settings.Load(settings.Target!)); }
        catch { source.Dispose(); throw; }
    }

    /// <summary>Opens the run folder, says what runs, and trains the autoencoder (<paramref name="train"/>: the experiment's step) under a progress bar.</summary>
    public static (RunFolder Run, AutoencoderResult Autoencoder) Start(SelfTaughtSettings settings, string command, Dataset source, Dataset target, string sizes,
        int threads, Func<IProgress<TrainingProgress>, AutoencoderResult> train)
    {
        var run = settings.CreateRun(command.Replace(' ', '-'));
        AnsiConsole.MarkupLine($"[bold]{command}[/] source {Markup.Escape(source.ToString())}; target {Markup.Escape(target.ToString())}{Markup.Escape(sizes)}; " +
                               $"{threads} threads, seed {settings.Seed}; run folder {Markup.Escape(run.Path)}");
        return (run, AutoencoderProgressBar.Run($"{settings.Autoencoder} autoencoder on {settings.Source}", train));
    }

    /// <summary>A grey line before each step of the comparison.</summary>
    public static IProgress<string> Status { get; } = new SyncProgress<string>(text => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]"));

    /// <summary>
    /// The evidence: metrics.json (docs/metrics/selftaught-*.md: what only the command knows, the options used, then the
    /// library's report as it is), autoencoder.pt, reconstructions.png, tsne-*.png; then the autoencoder's table.
    /// </summary>
    public static void Finish(RunFolder run, string command, SelfTaughtSettings settings, Dataset source, Dataset target, int threads,
        AutoencoderResult ae, IReadOnlyList<FeatureMap> maps, object options, object report, AutoencoderSummary summary, IReadOnlyList<long[]>? clusters = null)
    {
        var json = JsonSerializer.SerializeToNode(new
        {
            Schema = $"transfersharp.{command.Replace(' ', '-')}/1", Command = command, settings.Source, settings.Target,
            SourceProvenance = source.Provenance, TargetProvenance = target.Provenance, settings.Seed,
            Machine = new { Cores = Environment.ProcessorCount, Threads = threads, Os = RuntimeInformation.OSDescription },
        }, RunFolder.Json)!.AsObject();
        foreach (var part in new[] { options, report })
            foreach (var (key, value) in JsonSerializer.SerializeToNode(part, RunFolder.Json)!.AsObject()) json[key] = value?.DeepClone();
        run.WriteJson(run.Metrics, json);
        ae.Model.save(Path.Combine(run.Path, "autoencoder.pt"));
        SelfTaughtFigures.Reconstructions(Path.Combine(run.Path, "reconstructions.png"), ae.Model, source, target);
        SelfTaughtFigures.FeatureMaps(run.Path, maps, target, settings.Tsne, settings.Seed, clusters);
        var f = ae.Final;
        Tables.KeyValues("autoencoder",
        [
            ("kind", $"{ae.Model.Kind}, {ae.Model.CodeSize} code units"),
            ("source reconstruction", $"{ae.History[0].ReconstructionLoss:0.00} (epoch 1) -> {f.ReconstructionLoss:0.00} (epoch {f.Epoch})"),
            ("target reconstruction", $"{summary.TargetReconstructionLoss:0.00}"),
            ("mean activation", $"{f.MeanActivation:0.000}"),
            ("training time", $"{ae.History.Sum(h => h.Seconds):0.0} s"),
        ]);
    }
}
