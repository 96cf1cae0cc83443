using System.Runtime.InteropServices;
using System.Text.Json;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.SelfTaught;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary>The steps both self-taught commands take: load the two sets, run the experiment, leave evidence.</summary>
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

    /// <summary>
    /// Trains the autoencoder under a progress bar, compares the features and leaves the evidence in a new run folder:
    /// metrics.json (docs/metrics/selftaught-*.md: what only the command knows, <paramref name="options"/>, then the
    /// library's report as it is), autoencoder.pt, reconstructions.png, tsne-*.png; then prints the autoencoder's numbers.
    /// <paramref name="sizes"/> follows the source and target on the first line; <paramref name="clusters"/> gives each
    /// feature map's k-means assignments, to colour an unlabelled target's t-SNE by.
    /// </summary>
    public static (RunFolder Run, T Report) Run<T>(SelfTaughtSettings settings, string command, Dataset source, Dataset target, ISelfTaughtExperiment<T> experiment,
        string sizes, object options, CancellationToken cancellation, Func<T, IReadOnlyList<long[]>>? clusters = null) where T : ISelfTaughtReport
    {
        int threads = Seeding.SetThreads(settings.Threads);
        var run = settings.CreateRun(command.Replace(' ', '-'));
        AnsiConsole.MarkupLine($"[bold]{command}[/] source {Markup.Escape(source.ToString())}; target {Markup.Escape(target.ToString())}{Markup.Escape(sizes)}; " +
                               $"{threads} threads, seed {settings.Seed}; run folder {Markup.Escape(run.Path)}");
        var ae = ProgressBar.Run($"{settings.Autoencoder} autoencoder on {settings.Source}", progress => experiment.TrainAutoencoder(progress, cancellation),
            loss: "reconstruction", accuracy: false);
        using var model = ae.Model;
        using var outcome = experiment.Run(ae, new SyncProgress<string>(text => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]")), cancellation);
        var json = JsonSerializer.SerializeToNode(new
        {
            Schema = $"transfersharp.{command.Replace(' ', '-')}/1", Command = command, settings.Source, settings.Target,
            SourceProvenance = source.Provenance, TargetProvenance = target.Provenance, settings.Seed,
            Machine = new { Cores = Environment.ProcessorCount, Threads = threads, Os = RuntimeInformation.OSDescription, Device = settings.DeviceName },
        }, RunFolder.Json)!.AsObject();
        foreach (var part in new[] { options, outcome.Report })
            foreach (var (key, value) in JsonSerializer.SerializeToNode(part, RunFolder.Json)!.AsObject()) json[key] = value?.DeepClone();
        run.WriteJson(run.Metrics, json);
        model.save(Path.Combine(run.Path, "autoencoder.pt"));
        SelfTaughtFigures.Reconstructions(Path.Combine(run.Path, "reconstructions.png"), model, source, target);
        SelfTaughtFigures.FeatureMaps(run.Path, outcome.Maps, target, settings.Tsne, settings.Seed, clusters?.Invoke(outcome.Report));
        var (first, last) = (ae.History[0], ae.Final);
        Tables.KeyValues("autoencoder", [("kind", $"{model.Kind}, {model.CodeSize} code units"),
            ("source reconstruction", $"{first.ReconstructionLoss:0.00} (epoch 1) -> {last.ReconstructionLoss:0.00} (epoch {last.Epoch})"),
            ("target reconstruction", $"{outcome.Report.Autoencoder.TargetReconstructionLoss:0.00}"), ("mean activation", $"{last.MeanActivation:0.000}"),
            ("training time", $"{ae.History.Sum(h => h.Seconds):0.0} s")]);
        return (run, outcome.Report);
    }
}
