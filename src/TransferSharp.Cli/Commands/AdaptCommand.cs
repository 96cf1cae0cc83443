using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.DomainAdaptation;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Reporting;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer adapt</c>: unsupervised domain adaptation from a labelled source to an unlabelled target.</summary>
internal sealed class AdaptCommand : Command<AdaptCommand.Settings>
{
    internal sealed class Settings : CommonSettings
    {
        [CommandOption("--method <METHOD>")]
        [MethodHelp]
        public string Method { get; init; } = "cdan";

        [CommandOption("-s|--source <DATA>")]
        [Description("Labelled source: built-in name or path, e.g. mnist.")]
        public string? Source { get; init; }

        [CommandOption("-t|--target <DATA>")]
        [Description("Target: built-in name or path, e.g. mnist-m, or a folder of unlabelled images. Its labels, if any, are used only to report accuracy on its held-out part.")]
        public string? Target { get; init; }

        [CommandOption("-m|--model <MODEL>")]
        [Description("lenet (default), mlp, cnn or resnet18.")]
        public string Model { get; init; } = "lenet";

        [CommandOption("--size <PIXELS>")]
        [Description("Side length image folders are read at. Default 28.")]
        public int Size { get; init; } = 28;

        [CommandOption("--resize <PIXELS>")]
        [Description("Resize both domains to this square size (otherwise the target is resized to the source's size).")]
        public int? Resize { get; init; }

        [CommandOption("-e|--epochs <N>")]
        [Description("Epochs. Default 10.")]
        public int Epochs { get; init; } = 10;

        [CommandOption("--steps-per-epoch <N>")]
        [Description("Steps per epoch. Default: one pass over the larger training set.")]
        public int? StepsPerEpoch { get; init; }

        [CommandOption("-b|--batch-size <N>")]
        [Description("Examples per domain per step. Default 64.")]
        public int BatchSize { get; init; } = 64;

        [CommandOption("--lr <RATE>")]
        [Description("Base learning rate. Default 0.001 (Adam) or 0.01 (SGD).")]
        public double? LearningRate { get; init; }

        [CommandOption("--optimizer <NAME>")]
        [Description("adam (default), adamw or sgd (momentum 0.9, as in the paper).")]
        public string Optimizer { get; init; } = "adam";

        [CommandOption("--schedule <NAME>")]
        [Description("Learning-rate schedule: inverse-decay (default, the paper's mu0/(1+10p)^0.75), cosine, constant or step.")]
        public string Schedule { get; init; } = "inverse-decay";

        [CommandOption("--lambda-schedule <NAME>")]
        [Description("Schedule of the --max-lambda coefficient: ganin (default: 2/(1+exp(-10p))-1) or constant.")]
        public string LambdaSchedule { get; init; } = "ganin";

        [CommandOption("--max-lambda <L>")]
        [Description("dann, cdan: cap of the gradient reversal coefficient (ReversalCoefficient; the paper's is 1). mmd, coral: cap of the alignment loss weight (AlignmentWeight). Default 0.3.")]
        public double? MaxLambda { get; init; }

        [CommandOption("--bottleneck <N>")]
        [Description("Linear+BatchNorm+ReLU bottleneck width before the head; 0 = none. Default 256.")]
        public int? Bottleneck { get; init; }

        [CommandOption("--discriminator-width <N>")]
        [Description("dann, cdan: hidden units per domain-classifier layer. Default 1024 (the paper: 100).")]
        public int? DiscriminatorWidth { get; init; }

        [CommandOption("--discriminator-layers <N>")]
        [Description("dann, cdan: hidden layers of the domain classifier. Default 2 (the paper: 1).")]
        public int? DiscriminatorLayers { get; init; }

        [CommandOption("--no-discriminator-bn")]
        [Description("dann, cdan: no batch norm in the domain classifier.")]
        public bool NoDiscriminatorBatchNorm { get; init; }

        [CommandOption("--entropy <W>")]
        [Description("Weight of the target-entropy term (dann, cdan, mmd, coral: default 0; mcd: default 0.01).")]
        public double? Entropy { get; init; }

        [CommandOption("--held-out-fraction <F>")]
        [Description("Fraction of each domain held out: source for validation, target for the (evaluation-only) test. Default 0.2.")]
        public double HeldOutFraction { get; init; } = 0.2;

        [CommandOption("--tsne <N>")]
        [Description("Held-out examples per domain in the t-SNE pictures (exact t-SNE, O(N²)); 0 = no pictures. Default 300.")]
        public int Tsne { get; init; } = 300;

        [CommandOption("--no-baseline")]
        [Description("Do not also train the source-only baseline (used for the 'before' picture and the gain).")]
        public bool NoBaseline { get; init; }

        [CommandOption("--runs <FOLDER>")]
        [Description("Where run folders go. Default runs.")]
        public string Runs { get; init; } = "runs";

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (string.IsNullOrWhiteSpace(Source)) return ValidationResult.Error("--source is required");
            if (string.IsNullOrWhiteSpace(Target)) return ValidationResult.Error("--target is required");
            if (AdaptationMethods.Find(Method) is null) return ValidationResult.Error($"--method '{Method}' is unknown (choose {AdaptationMethods.Names})");
            if (!ModelZoo.Architectures.Contains(Model)) return ValidationResult.Error($"--model '{Model}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})");
            if (OptionValues.OptimizerError(Optimizer, Schedule, "inverse-decay, cosine, constant, step") is { } optimizerError) return ValidationResult.Error(optimizerError);
            if (OptionValues.ParseEnum<AdaptationSchedule>(LambdaSchedule) is null) return ValidationResult.Error($"--lambda-schedule '{LambdaSchedule}' is unknown (choose ganin, constant)");
            if (Size < 1) return ValidationResult.Error($"--size must be positive, got {Size}");
            if (Resize is < 1) return ValidationResult.Error($"--resize must be positive, got {Resize}");
            if (HeldOutFraction is <= 0 or >= 1) return ValidationResult.Error($"--held-out-fraction must be in (0, 1), got {HeldOutFraction}");
            if (Tsne is < 0 or 1 or 2 or 3) return ValidationResult.Error($"--tsne must be 0 (off) or at least 4, got {Tsne}");
            if (Tsne > MaxTsne) return ValidationResult.Error($"--tsne must be at most {MaxTsne} per domain (exact t-SNE needs memory and time growing with the square), got {Tsne}");
            var errors = ToOptions().Validate();
            return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join("; ", errors.Select(OptionMessage)));
        }

        /// <summary>Exact t-SNE over both domains keeps a few (2N)² double matrices: 3,000 per domain is about 0.9 GB.</summary>
        internal const int MaxTsne = 3000;

        // The library's errors name their field (OptionError.Field); say it with the option's own name.
        private static readonly Dictionary<string, string> FieldOptions = new()
        {
            ["Epochs"] = "--epochs", ["StepsPerEpoch"] = "--steps-per-epoch", ["BatchSize"] = "--batch-size", ["LearningRate"] = "--lr",
            ["Threads"] = "--threads", ["Bottleneck"] = "--bottleneck", ["Method.ReversalCoefficient"] = "--max-lambda",
            ["Method.AlignmentWeight"] = "--max-lambda", ["Method.DiscriminatorWidth"] = "--discriminator-width",
            ["Method.DiscriminatorLayers"] = "--discriminator-layers", ["Method.EntropyWeight"] = "--entropy",
        };

        /// <summary>"--max-lambda must be non-negative, got -1" for the error of field Method.ReversalCoefficient.</summary>
        internal static string OptionMessage(OptionError error)
        {
            if (!FieldOptions.TryGetValue(error.Field, out var option)) return error.Message;
            int must = error.Message.IndexOf(" must ", StringComparison.Ordinal);
            return must > 0 ? option + error.Message[must..] : $"{option}: {error.Message}";
        }

        public AdaptationOptions ToOptions()
        {
            var d = new AdaptationOptions();
            var optimizer = OptionValues.Optimizer(Optimizer);
            var schedule = OptionValues.ParseEnum<AdaptationSchedule>(LambdaSchedule);
            // The method's own settings: each option applies to the methods that have the setting, and is ignored by the others.
            AdaptationMethodOptions method = (AdaptationMethods.Find(Method) ?? AdaptationMethods.Default).DefaultOptions;
            method = method switch
            {
                AdversarialOptions a => a with
                {
                    ReversalCoefficient = MaxLambda ?? a.ReversalCoefficient,
                    ReversalSchedule = schedule ?? a.ReversalSchedule,
                    DiscriminatorWidth = DiscriminatorWidth ?? a.DiscriminatorWidth,
                    DiscriminatorLayers = DiscriminatorLayers ?? a.DiscriminatorLayers,
                    DiscriminatorBatchNorm = !NoDiscriminatorBatchNorm && a.DiscriminatorBatchNorm,
                    EntropyWeight = Entropy ?? a.EntropyWeight,
                },
                WeightedAlignmentOptions w => w with
                {
                    AlignmentWeight = MaxLambda ?? w.AlignmentWeight,
                    WeightSchedule = schedule ?? w.WeightSchedule,
                    EntropyWeight = Entropy ?? w.EntropyWeight,
                },
                Mcd.Options m => m with { EntropyWeight = Entropy ?? m.EntropyWeight },
                _ => method,
            };
            return d with
            {
                Method = method,
                Epochs = Epochs,
                StepsPerEpoch = StepsPerEpoch,
                BatchSize = BatchSize,
                Optimizer = optimizer,
                LearningRate = OptionValues.LearningRate(LearningRate, optimizer, d.LearningRate),
                Schedule = OptionValues.ParseEnum<ScheduleKind>(Schedule) ?? d.Schedule,
                Bottleneck = Bottleneck ?? d.Bottleneck,
                Seed = Seed,
                Threads = Threads,
            };
        }
    }

    /// <summary>The <c>--method</c> help, built from the registry (a subclass, because an attribute's arguments must be constants).</summary>
    [AttributeUsage(AttributeTargets.Property)]
    internal sealed class MethodHelpAttribute : DescriptionAttribute
    {
        public override string Description =>
            $"{string.Join("; ", AdaptationMethods.All.Select(m => $"{m.Name}: {m.Description}"))}. Default {AdaptationMethods.Default.Name}.";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Adapt(settings, token));

    private static int Adapt(Settings settings, CancellationToken cancellation)
    {
        var options = settings.ToOptions();
        int threads = Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        using var pair = LoadPair(settings, options);
        var spec = new ModelSpec(settings.Model, pair.ExampleShape, pair.SourceTrain.ClassCount);
        ModelZoo.Create(spec).Dispose();   // a model that cannot take these inputs fails here, before a run folder exists
        var run = RunFolder.Create(settings.Runs, "adapt");
        string method = options.Method.Name;
        AnsiConsole.MarkupLine($"[bold]adapt[/] {Markup.Escape(method)}: {Markup.Escape(settings.Source!)} -> {Markup.Escape(settings.Target!)}; " +
            $"source train {pair.SourceTrain.Count}, source validation {pair.SourceHeldOut.Count}, target train {pair.TargetTrain.Count} " +
            (pair.TargetLabelled ? $"(labels unused), target test {pair.TargetHeldOut.Count};" : $"(unlabelled), target held out {pair.TargetHeldOut.Count} (unlabelled);") +
            $" {Markup.Escape(settings.Model)}, {threads} threads, seed {options.Seed}; run folder {Markup.Escape(run.Path)}");
        var notes = pair.Notes.ToList();
        if (!pair.TargetLabelled) notes.Add("target unlabelled: no target accuracy can be measured; its held-out part is split at random and serves the t-SNE pictures only");
        foreach (var note in notes) AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(note)}[/]");

        var info = new CheckpointInfo
        {
            Architecture = spec.Architecture,
            InputShape = spec.InputShape,
            ClassNames = pair.ClassNames.ToArray(),
            Data = $"{method}: {settings.Source} ({pair.SourceTrain.Provenance}) -> {settings.Target} ({pair.TargetTrain.Provenance})",
        };
        var experiment = new AdaptationExperimentOptions { Training = options, Baseline = !settings.NoBaseline, FeatureMapPoints = settings.Tsne };
        if (settings.Tsne > 0) AnsiConsole.MarkupLine("[grey]t-SNE of the features follows the training...[/]");
        using var report = AdaptationExperiment.Run(pair, spec, experiment,
            (r, train) => ProgressBar.Run(r == AdaptationRun.Baseline ? "source-only baseline" : $"{method} {settings.Source} -> {settings.Target}", train),
            cancellation,
            (e, network) => Checkpoint.Save(run.Checkpoint, network.Classifier, info with { Epoch = e.Epoch, Bottleneck = network.BottleneckWidth }));
        var m = report.Metrics;
        // The checkpoint's metrics: today's keys, from the report.
        var checkpointMetrics = new Dictionary<string, double> { ["source_accuracy"] = m.SourceAccuracy, ["steps"] = m.Steps };
        if (m.TargetAccuracy is { } ta) checkpointMetrics["target_accuracy"] = ta;
        if (m.SourceOnlyTargetAccuracy is { } bt) checkpointMetrics["source_only_target_accuracy"] = bt;
        if (m.GainOverSourceOnly is { } g) checkpointMetrics["gain_over_source_only"] = g;
        if (m.DomainAccuracy is { } da) checkpointMetrics["domain_accuracy"] = da;
        Checkpoint.Save(run.Checkpoint, report.Network.Classifier,
            info with { Epoch = report.History.Count, Metrics = checkpointMetrics, Bottleneck = report.Network.BottleneckWidth });

        var pictures = new List<string>();
        var names = new[] { $"source ({settings.Source})", $"target ({settings.Target})" };
        if (report.FeaturesBefore is { } before)
        {
            Draw(Path.Combine(run.Path, "tsne-before.png"), before, pair.ClassNames, names, $"before adaptation (source only): {TargetAccuracyText(m.SourceOnlyTargetAccuracy)}");
            pictures.Add("tsne-before.png");
        }
        if (report.FeaturesAfter is { } after)
        {
            string file = report.Adapts ? "tsne-after.png" : "tsne.png";
            Draw(Path.Combine(run.Path, file), after, pair.ClassNames, names, $"{(report.Adapts ? "after adaptation" : "features")} ({method}): {TargetAccuracyText(m.TargetAccuracy)}");
            pictures.Add(file);
        }
        SaveCurves(Path.Combine(run.Path, "curves.png"), report.History, report.SourceOnlyHistory, pair.TargetLabelled,
            $"{method}: {settings.Source} -> {settings.Target}{(pair.TargetLabelled ? "" : " (target unlabelled)")}");
        pictures.Add("curves.png");

        // metrics.json: the report (schema transfersharp.adapt/1, docs/metrics/adapt.md) plus what only the command knows.
        var json = JsonSerializer.SerializeToNode(report, RunFolder.Json)!.AsObject();
        json.Insert(1, "command", "adapt");
        json.Insert(3, "source", settings.Source);
        json.Insert(4, "target", settings.Target);
        json.Insert(5, "model", settings.Model);
        json.Insert(7, "threads", threads);
        json.Insert(8, "machine", JsonSerializer.SerializeToNode(new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription }, RunFolder.Json));
        json.Insert(10, "notes", JsonSerializer.SerializeToNode(notes, RunFolder.Json));
        json.Insert(13, "target_accuracy_note", m.TargetAccuracy is null ? "target unlabelled: not measured" : null);
        run.WriteJson(run.Metrics, json);

        // An unlabelled target has no accuracy column rather than a column of dashes.
        var table = new Table().Title("training").AddColumns(
            ["epoch", "class loss", "align loss", "domain acc", "source acc", .. pair.TargetLabelled ? new[] { "target acc" } : [], "lambda", "lr", "s"]);
        foreach (var h in report.History)
            table.AddRow([$"{h.Epoch}", $"{h.ClassificationLoss:0.0000}", Num(h.AlignmentLoss, "0.0000"), Pct(h.DomainAccuracy), Pct(h.SourceAccuracy),
                .. pair.TargetLabelled ? new[] { Pct(h.TargetAccuracy) } : [], Num(h.Lambda, "0.000"), $"{h.LearningRate:0.######}", $"{h.Seconds:0.0}"]);
        AnsiConsole.Write(table);
        var rows = new List<(string, string)>
        {
            ("method", $"{method} ({m.Steps} steps of {options.BatchSize} + {options.BatchSize})"),
            ("target accuracy", m.TargetAccuracy is not { } t ? $"not measured: the target is unlabelled ({pair.TargetHeldOut.Count} held-out target examples)"
                : $"{t:P2} ({pair.TargetHeldOut.Count} held-out target examples)"),
            ("source accuracy", $"{m.SourceAccuracy:P2} ({pair.SourceHeldOut.Count} held-out source examples)"),
        };
        if (m.SourceOnlyTargetAccuracy is { } b2 && m.GainOverSourceOnly is { } gain)
            rows.Add(("source-only target accuracy", $"{b2:P2} (gain {100 * gain:+0.00;-0.00} points)"));
        if (m.DomainAccuracy is { } d2) rows.Add(("domain classifier accuracy", $"{d2:P1} (last epoch; 50 % = fooled)"));
        rows.Add(("pictures", string.Join(", ", pictures)));
        rows.Add(("run folder", run.Path));
        Tables.KeyValues("result", rows);
        return 0;
    }

    private static DomainPair LoadPair(Settings settings, AdaptationOptions options)
    {
        var dataOptions = new DataOptions { ImageSize = settings.Size };
        using var source = Prepare(Catalog.Load(settings.Source!, dataOptions), settings.Resize);
        using var target = Prepare(Catalog.Load(settings.Target!, dataOptions), settings.Resize);
        if (!source.HasLabels) throw new ArgumentException($"--source {settings.Source}: the dataset has no labels");
        if (!target.HasLabels && options.Method.Method.UsesTargetLabels)
            throw new ArgumentException($"--target {settings.Target}: the dataset has no labels, which --method {options.Method.Name} trains on");
        // An unlabelled target is taken to have the source's classes; only two labelled sets can disagree.
        if (target.HasLabels && !source.ClassNames.SequenceEqual(target.ClassNames, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"--source {settings.Source} and --target {settings.Target} have different classes; select the shared ones (e.g. mnist:0-4)");
        return DomainPair.Create(source, target, settings.HeldOutFraction, settings.Seed);
    }

    private static Dataset Prepare(Dataset data, int? resize)
    {
        if (resize is not { } r || !data.IsImage) return data;
        using (data) return data.Resize(r, r);
    }

    private static void Draw(string path, IReadOnlyList<FeaturePoint> points, IReadOnlyList<string> classes, string[] domains, string title) =>
        EmbeddingPlot.Save(path, points.Select(p => new EmbeddedPoint(p.X, p.Y, p.Class, p.Domain)).ToArray(), classes, domains, title);

    private static string TargetAccuracyText(double? accuracy) =>
        accuracy is { } a ? $"target accuracy {a:P1}" : "target unlabelled";

    private static void SaveCurves(string path, IReadOnlyList<AdaptationEpoch> h, IReadOnlyList<AdaptationEpoch>? baseline,
        bool targetLabelled, string title)
    {
        double[] x = h.Select(e => (double)e.Epoch).ToArray();
        var accuracy = new List<Curve> { new("source (held out)", x, h.Select(e => e.SourceAccuracy ?? double.NaN).ToArray()) };
        // An unlabelled target has no accuracy: no target curves rather than empty ones.
        if (targetLabelled) accuracy.Add(new("target (held out)", x, h.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()));
        accuracy.Add(new("domain classifier", x, h.Select(e => e.DomainAccuracy).ToArray()));
        if (baseline is not null && targetLabelled)
            accuracy.Add(new("target, source only", baseline.Select(e => (double)e.Epoch).ToArray(), baseline.Select(e => e.TargetAccuracy ?? double.NaN).ToArray()));
        CurvesPlot.Save(path,
        [
            new CurvePanel("Losses", "loss", [
                new("label (cross-entropy)", x, h.Select(e => e.ClassificationLoss).ToArray()),
                new("alignment", x, h.Select(e => e.AlignmentLoss).ToArray())]),
            new CurvePanel("Accuracy", "accuracy", accuracy, UnitRange: true),
        ], title);
    }

    private static string Pct(double? v) => v is { } x && double.IsFinite(x) ? $"{x:P2}" : "-";
    private static string Num(double v, string f) => double.IsFinite(v) ? v.ToString(f, System.Globalization.CultureInfo.InvariantCulture) : "-";
}
