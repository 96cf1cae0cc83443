using System.Text.Json;
using TransferSharp.Cli.Rendering;
using TransferSharp.DomainAdaptation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer adapt</c>: unsupervised domain adaptation from a labelled source to an unlabelled target.</summary>
internal sealed class AdaptCommand : Command<AdaptCommand.Settings>
{
    internal sealed class Settings : SplitSettings
    {
        protected override int DefaultSize => 28;
        protected override double DefaultValidationFraction => 0.2;
        protected override bool CountsSteps => true;
        protected override TrainerOptions LibraryDefaults => new AdaptationOptions();

        [CommandOption("--method <METHOD>")]
        [MethodHelp]
        public string Method { get; init; } = AdaptationMethods.Default.Name;
        [CommandOption("-s|--source <DATA>")]
        [Description("Labelled source: built-in name or path, e.g. mnist.")]
        public string? Source { get; init; }
        [CommandOption("-t|--target <DATA>")]
        [Description("Target: built-in name or path, e.g. mnist-m, or a folder of unlabelled images. Its labels, if any, are used only to report accuracy on its held-out part.")]
        public string? Target { get; init; }
        [CommandOption("--lambda-schedule <NAME>")]
        [Description("Schedule of the --max-lambda coefficient: ganin (default: 2/(1+exp(-10p))-1) or constant.")]
        public string LambdaSchedule { get; init; } = "ganin";
        [CommandOption("--max-lambda <L>")]
        [Field("ReversalCoefficient"), Field("AlignmentWeight")]
        [Description("dann, cdan: cap of the gradient reversal coefficient (ReversalCoefficient; the paper's is 1). mmd, coral, mcc: cap of the alignment loss weight (AlignmentWeight). Default 0.3 (mcc: 1, constant).")]
        public double? MaxLambda { get; init; }
        [CommandOption("--warmup <F>")]
        [Field("WarmupFraction")]
        [Description("dann, cdan, mmd, coral, mcc: fraction of the run trained on the source alone before the alignment term (and its --lambda-schedule) starts, 0 ≤ F < 1. Default 0.")]
        public double? Warmup { get; init; }
        [CommandOption("--aligned-source-phase")]
        [Field("AlignedSourcePhase")]
        [Description("shot-im, shot: train the first (source) phase as cdan at its defaults instead of on the source alone; the source-free phase is unchanged.")]
        public bool AlignedSourcePhase { get; init; }
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
        [Field("EntropyWeight")]
        [Description("Weight of the target-entropy term (dann, cdan, mmd, coral, mcc: default 0; mcd: default 0.01).")]
        public double? Entropy { get; init; }
        [CommandOption("--tsne <N>")]
        [Field(nameof(AdaptationExperimentOptions.FeatureMapPoints))]
        [Description("Held-out examples per domain in the t-SNE pictures (exact t-SNE, O(N²)); 0 = no pictures. Default 300.")]
        public int Tsne { get; init; } = 300;
        [CommandOption("--select <NAME>")]
        [Description("Which epoch's weights to keep, never chosen by target labels: last (default), source-accuracy (held-out source), entropy (lowest target prediction entropy), im (highest information maximisation score: confident and spread over the classes), snd (highest soft neighbourhood density on the target) or dev (lowest Deep Embedded Validation risk: the held-out source loss weighted by how target-like each example's features are). Every epoch's scores are in metrics.json.")]
        public string Select { get; init; } = "last";
        [CommandOption("--validator-examples <N>")]
        [Field(nameof(AdaptationOptions.ValidatorExamples))]
        [Description("Unlabelled target training examples the label-free validators (entropy, information maximisation, SND, DEV) score after each epoch (DEV: against as many source training examples); 0 = none. Default 1000.")]
        public int? ValidatorExamples { get; init; }
        [CommandOption("--no-baseline")]
        [Description("Do not also train the source-only baseline (used for the 'before' picture and the gain).")]
        public bool NoBaseline { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (string.IsNullOrWhiteSpace(Source)) return ValidationResult.Error("--source is required");
            if (string.IsNullOrWhiteSpace(Target)) return ValidationResult.Error("--target is required");
            if (AdaptationMethods.Find(Method) is null) return ValidationResult.Error($"--method '{Method}' is unknown (choose {AdaptationMethods.Names})");
            if (OptionValues.ParseEnum<ModelSelection>(Select) is null) return ValidationResult.Error($"--select '{Select}' is unknown (choose last, source-accuracy, entropy, im, snd, dev)");
            if (OptionValues.ParseEnum<AdaptationSchedule>(LambdaSchedule) is null) return ValidationResult.Error($"--lambda-schedule '{LambdaSchedule}' is unknown (choose ganin, constant)");
            if (UnusedOption() is { } unused) return ValidationResult.Error(unused);
            return OptionNames.Check(this, ToExperiment().Validate());
        }

        /// <summary>An option the chosen method has no setting for (it would be silently ignored), as an error; null if none.</summary>
        private string? UnusedOption()
        {
            var method = (AdaptationMethods.Find(Method) ?? AdaptationMethods.Default).DefaultOptions;
            // Which settings each option sets: the option types ToOptions reads it into.
            static bool Aligning(AdaptationMethodOptions o) => o is AdversarialOptions or WeightedAlignmentOptions;
            var given = new (string Option, bool Given, Func<AdaptationMethodOptions, bool> Applies)[]
            {
                ("--max-lambda", MaxLambda is not null, Aligning),
                ("--lambda-schedule", !string.Equals(LambdaSchedule.Trim(), "ganin", StringComparison.OrdinalIgnoreCase), Aligning),
                ("--warmup", Warmup is not null, Aligning),
                ("--entropy", Entropy is not null, o => Aligning(o) || o is Mcd.Options),
                ("--discriminator-width", DiscriminatorWidth is not null, o => o is AdversarialOptions),
                ("--discriminator-layers", DiscriminatorLayers is not null, o => o is AdversarialOptions),
                ("--no-discriminator-bn", NoDiscriminatorBatchNorm, o => o is AdversarialOptions),
                ("--aligned-source-phase", AlignedSourcePhase, o => o is ShotIm.Options or Shot.Options),
            };
            if (given.FirstOrDefault(g => g.Given && !g.Applies(method)) is not { Option: not null } unused) return null;
            var methods = string.Join(", ", AdaptationMethods.All.Where(m => unused.Applies(m.DefaultOptions)).Select(m => m.Name));
            bool isDefault = string.Equals(Method.Trim(), AdaptationMethods.Default.Name, StringComparison.OrdinalIgnoreCase);
            return $"{unused.Option} applies to --method {methods}, not to --method {method.Name}" +
                (isDefault ? " (the default method; --method cdan was the default before)" : "");
        }

        public AdaptationExperimentOptions ToExperiment() => new() { Training = ToOptions(), Baseline = !NoBaseline, FeatureMapPoints = Tsne };

        private AdaptationOptions ToOptions()
        {
            var schedule = OptionValues.ParseEnum<AdaptationSchedule>(LambdaSchedule);
            // The method's own settings: each option applies to the methods that have the setting, and is ignored by the others.
            AdaptationMethodOptions method = (AdaptationMethods.Find(Method) ?? AdaptationMethods.Default).DefaultOptions switch
            {
                AdversarialOptions a => a with
                {
                    ReversalCoefficient = MaxLambda ?? a.ReversalCoefficient, ReversalSchedule = schedule ?? a.ReversalSchedule,
                    DiscriminatorWidth = DiscriminatorWidth ?? a.DiscriminatorWidth, DiscriminatorLayers = DiscriminatorLayers ?? a.DiscriminatorLayers,
                    DiscriminatorBatchNorm = !NoDiscriminatorBatchNorm && a.DiscriminatorBatchNorm, EntropyWeight = Entropy ?? a.EntropyWeight,
                    WarmupFraction = Warmup ?? a.WarmupFraction,
                },
                WeightedAlignmentOptions w => w with
                {
                    AlignmentWeight = MaxLambda ?? w.AlignmentWeight, WeightSchedule = schedule ?? w.WeightSchedule, EntropyWeight = Entropy ?? w.EntropyWeight,
                    WarmupFraction = Warmup ?? w.WarmupFraction,
                },
                Mcd.Options m => m with { EntropyWeight = Entropy ?? m.EntropyWeight },
                ShotIm.Options si => si with { AlignedSourcePhase = AlignedSourcePhase || si.AlignedSourcePhase },
                Shot.Options sh => sh with { AlignedSourcePhase = AlignedSourcePhase || sh.AlignedSourcePhase },
                var other => other,
            };
            var o = ApplyTo(new AdaptationOptions());
            return o with
            {
                Method = method, StepsPerEpoch = StepsPerEpoch == 0 ? null : StepsPerEpoch, Bottleneck = Bottleneck ?? o.Bottleneck,
                Select = OptionValues.ParseEnum<ModelSelection>(Select) ?? ModelSelection.Last, ValidatorExamples = ValidatorExamples ?? o.ValidatorExamples,
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
        var experiment = settings.ToExperiment();
        var options = experiment.Training;
        int threads = Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        using var pair = LoadPair(settings, options.Seed);
        if (!pair.TargetLabelled && options.Method.Method.UsesTargetLabels)
            throw new ArgumentException($"--target {settings.Target}: the dataset has no labels, which --method {options.Method.Name} trains on");
        var spec = new ModelSpec(settings.Model, pair.ExampleShape, pair.SourceTrain.ClassCount);
        ModelZoo.Create(spec).Dispose();   // a model that cannot take these inputs fails here, before a run folder exists
        var run = settings.CreateRun("adapt");
        string method = options.Method.Name, task = $"{method}: {settings.Source} -> {settings.Target}";
        string target = pair.TargetLabelled ? $"(labels unused), target test {pair.TargetHeldOut.Count}" : $"(unlabelled), target held out {pair.TargetHeldOut.Count} (unlabelled)";
        AnsiConsole.MarkupLine("[bold]adapt[/] " + Markup.Escape($"{task}; source train {pair.SourceTrain.Count}, source validation {pair.SourceHeldOut.Count}, " +
            $"target train {pair.TargetTrain.Count} {target}; {settings.Model}, {threads} threads, seed {options.Seed}; run folder {run.Path}"));
        foreach (var note in pair.Notes) AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(note)}[/]");

        var info = new CheckpointInfo { Architecture = spec.Architecture, InputShape = spec.InputShape, ClassNames = pair.ClassNames.ToArray(),
            Data = $"{method}: {settings.Source} ({pair.SourceTrain.Provenance}) -> {settings.Target} ({pair.TargetTrain.Provenance})" };
        if (settings.Tsne > 0) AnsiConsole.MarkupLine("[grey]t-SNE of the features follows the training...[/]");
        using var report = AdaptationExperiment.Run(pair, spec, experiment,
            (r, train) => ProgressBar.Run(r == AdaptationRun.Baseline ? "source-only baseline" : task, train), cancellation,
            (e, network) => Checkpoint.Save(run.Checkpoint, network.Classifier, info with { Epoch = e.Epoch, Bottleneck = network.BottleneckWidth }));
        var m = report.Metrics;
        // The checkpoint's metrics are the report's headline numbers under their metrics.json names.
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(JsonSerializer.Serialize(m, RunFolder.Json), RunFolder.Json)!;
        Checkpoint.Save(run.Checkpoint, report.Network.Classifier, info with { Epoch = report.History.Count, Metrics = metrics, Bottleneck = report.Network.BottleneckWidth });
        var pictures = AdaptationFigures.Save(report, pair.ClassNames, settings.Source!, settings.Target!, name => Path.Combine(run.Path, name));

        // metrics.json: the report (schema transfersharp.adapt/1, docs/metrics/adapt.md) plus what only the command knows.
        var json = JsonSerializer.SerializeToNode(report, RunFolder.Json)!.AsObject();
        json.Insert(1, "command", "adapt");
        json.Insert(3, "source", settings.Source);
        json.Insert(4, "target", settings.Target);
        json.Insert(5, "model", settings.Model);
        json.Insert(7, "threads", threads);
        json.Insert(8, "machine", JsonSerializer.SerializeToNode(new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, device = settings.DeviceName }, RunFolder.Json));
        run.WriteJson(run.Metrics, json);

        // An unlabelled target has no accuracy column rather than a column of dashes.
        bool labelled = pair.TargetLabelled;
        var table = new Table().Title("training").AddColumns(["epoch", "class loss", "align loss", "domain acc", "source acc", .. labelled ? ["target acc"] : Array.Empty<string>(), "lambda", "lr", "s"]);
        foreach (var h in report.History)
            table.AddRow([$"{h.Epoch}", $"{h.ClassificationLoss:0.0000}", Num(h.AlignmentLoss, "0.0000"), Pct(h.DomainAccuracy), Pct(h.SourceAccuracy),
                .. labelled ? [Pct(h.TargetAccuracy)] : Array.Empty<string>(), Num(h.Lambda, "0.000"), $"{h.LearningRate:0.######}", $"{h.Seconds:0.0}"]);
        AnsiConsole.Write(table);
        var s = report.Split;
        Tables.KeyValues("result", [
            ("method", options.Method.Method.UsesTargetInputs ? $"{method} ({m.Steps} steps of {options.BatchSize} + {options.BatchSize})" : $"{method} ({m.Steps} steps of {options.BatchSize})"),
            ("target accuracy", m.TargetAccuracy is { } t ? $"{t:P2} ({s.TargetTest} held-out target examples)" : $"not measured: the target is unlabelled ({s.TargetTest} held-out target examples)"),
            ("source accuracy", $"{m.SourceAccuracy:P2} ({s.SourceValidation} held-out source examples)"),
            .. m.GainOverSourceOnly is { } gain ? [("source-only target accuracy", $"{m.SourceOnlyTargetAccuracy:P2} (gain {100 * gain:+0.00;-0.00} points)")] : Array.Empty<(string, string)>(),
            .. m.DomainAccuracy is { } d ? [("domain classifier accuracy", $"{d:P1} (last epoch; 50 % = fooled)")] : Array.Empty<(string, string)>(),
            .. m.InformationMaximisationGain is { } im ? [("label-free check", ImCheck(im, options.Method.Method))] : Array.Empty<(string, string)>(),
            ("pictures", string.Join(", ", pictures.Select(p => Path.GetFileName(p.Png)))),
            ("run folder", run.Path)]);
        return 0;
    }

    /// <summary>What the information maximisation score says about the gain, without target labels.</summary>
    private static string ImCheck(double gain, IAdaptationMethod method) =>
        $"information maximisation {gain:+0.000;-0.000} nats against source only: " + (method is ShotIm or Shot
            ? $"{method.Name} maximises this score itself, so it says nothing here; compare seeds instead"
            : gain > 0 ? "higher, as in most runs that gained (bench/dann.md)" : "not higher: the adaptation may have hurt");

    private static string Pct(double? v) => v is { } x && double.IsFinite(x) ? $"{x:P2}" : "-";
    private static string Num(double v, string f) => double.IsFinite(v) ? v.ToString(f, System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static DomainPair LoadPair(Settings settings, int seed)
    {
        using Data.Dataset source = settings.Load(settings.Source!), target = settings.Load(settings.Target!);
        return DomainPair.Create(source, target, settings.ValidationFraction, settings.TestFraction, seed);
    }
}
