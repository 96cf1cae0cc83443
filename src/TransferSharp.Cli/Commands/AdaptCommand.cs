using System.ComponentModel;
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
    internal sealed class Settings : ModelSettings
    {
        /// <summary>Digit-sized images: the domains of the DA benchmarks (MNIST, MNIST-M, USPS) are 28x28.</summary>
        protected override int DefaultSize => 28;

        [CommandOption("--method <METHOD>")]
        [Description("dann (default), mmd, coral, source-only or target-only (the upper bound: trains on target labels).")]
        public string Method { get; init; } = "dann";

        [CommandOption("-s|--source <DATA>")]
        [Description("Labelled source: built-in name or path, e.g. mnist.")]
        public string? Source { get; init; }

        [CommandOption("-t|--target <DATA>")]
        [Description("Target: built-in name or path, e.g. mnist-m, or a folder of unlabelled images. Its labels, if any, are used only to report accuracy on its held-out part.")]
        public string? Target { get; init; }

        [CommandOption("--steps-per-epoch <N>")]
        [Description("Steps per epoch. Default: one pass over the larger training set.")]
        public int? StepsPerEpoch { get; init; }

        [CommandOption("--lambda-schedule <NAME>")]
        [Description("ganin (default: 2/(1+exp(-10p))-1) or constant.")]
        public string LambdaSchedule { get; init; } = "ganin";

        [CommandOption("--max-lambda <L>")]
        [Description("Cap (scale) of the adaptation weight lambda. Default 0.3; the paper's is 1.")]
        public double? MaxLambda { get; init; }

        [CommandOption("--bottleneck <N>")]
        [Description("Linear+BatchNorm+ReLU bottleneck width before the head; 0 = none. Default 256.")]
        public int? Bottleneck { get; init; }

        [CommandOption("--discriminator-width <N>")]
        [Description("Hidden units per domain-classifier layer. Default 1024 (the paper: 100).")]
        public int? DiscriminatorWidth { get; init; }

        [CommandOption("--discriminator-layers <N>")]
        [Description("Hidden layers of the domain classifier. Default 2 (the paper: 1).")]
        public int? DiscriminatorLayers { get; init; }

        [CommandOption("--no-discriminator-bn")]
        [Description("No batch norm in the domain classifier.")]
        public bool NoDiscriminatorBatchNorm { get; init; }

        [CommandOption("--no-conditioning")]
        [Description("Plain DANN: do not condition the domain classifier on the predictions (CDAN, the default).")]
        public bool NoConditioning { get; init; }

        [CommandOption("--entropy <W>")]
        [Description("Weight of the target-entropy term. Default 0.")]
        public double Entropy { get; init; }

        [CommandOption("--held-out-fraction <F>")]
        [Description("Fraction of each domain held out: source for validation, target for the (evaluation-only) test. Default 0.2.")]
        public double HeldOutFraction { get; init; } = 0.2;

        [CommandOption("--tsne <N>")]
        [Description("Held-out examples per domain in the t-SNE pictures (exact t-SNE, O(N²)); 0 = no pictures. Default 300.")]
        public int Tsne { get; init; } = 300;

        [CommandOption("--no-baseline")]
        [Description("Do not also train the source-only baseline (used for the 'before' picture and the gain).")]
        public bool NoBaseline { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (string.IsNullOrWhiteSpace(Source)) return ValidationResult.Error("--source is required");
            if (string.IsNullOrWhiteSpace(Target)) return ValidationResult.Error("--target is required");
            if (ParseMethod(Method) is null) return ValidationResult.Error($"--method '{Method}' is unknown (choose dann, mmd, coral, source-only, target-only)");
            if (Channels is not null) return ValidationResult.Error("--channels does not apply to adapt: both domains keep the source's channels");
            if (OptionValues.ParseEnum<AdaptationSchedule>(LambdaSchedule) is null) return ValidationResult.Error($"--lambda-schedule '{LambdaSchedule}' is unknown (choose ganin, constant)");
            if (HeldOutFraction is <= 0 or >= 1) return ValidationResult.Error($"--held-out-fraction must be in (0, 1), got {HeldOutFraction}");
            if (Tsne is < 0 or 1 or 2 or 3) return ValidationResult.Error($"--tsne must be 0 (off) or at least 4, got {Tsne}");
            if (Tsne > MaxTsne) return ValidationResult.Error($"--tsne must be at most {MaxTsne} per domain (exact t-SNE needs memory and time growing with the square), got {Tsne}");
            var errors = ToOptions().Validate();
            return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join("; ", errors.Select(OptionName)));
        }

        /// <summary>Exact t-SNE over both domains keeps a few (2N)² double matrices: 3,000 per domain is about 0.9 GB.</summary>
        internal const int MaxTsne = 3000;

        // The library names its fields in words ("max lambda must ..."); say it with the option's own name.
        private static readonly (string Field, string Option)[] FieldOptions =
        [
            ("steps per epoch", "--steps-per-epoch"), ("batch size", "--batch-size"), ("learning rate", "--lr"),
            ("max lambda", "--max-lambda"), ("discriminator width", "--discriminator-width"),
            ("discriminator layers", "--discriminator-layers"), ("entropy weight", "--entropy"), ("epochs", "--epochs"),
            ("bottleneck", "--bottleneck"), ("threads", "--threads"),
        ];

        internal static string OptionName(string error) =>
            FieldOptions.FirstOrDefault(f => error.StartsWith(f.Field + " ", StringComparison.Ordinal)) is { Field: not null } m
                ? m.Option + error[m.Field.Length..]
                : error;

        public AdaptationOptions ToOptions()
        {
            var d = new AdaptationOptions();
            var optimizer = GivenOptimizer ?? d.Optimizer;
            return d with
            {
                Method = ParseMethod(Method) ?? AdaptationMethod.Dann,
                Epochs = Epochs ?? d.Epochs,
                StepsPerEpoch = StepsPerEpoch,
                BatchSize = BatchSize ?? d.BatchSize,
                Optimizer = optimizer,
                LearningRate = LearningRateFor(optimizer) ?? d.LearningRate,
                Momentum = Momentum ?? d.Momentum,
                WeightDecay = WeightDecay ?? d.WeightDecay,
                Schedule = GivenSchedule ?? d.Schedule,
                LambdaSchedule = OptionValues.ParseEnum<AdaptationSchedule>(LambdaSchedule) ?? d.LambdaSchedule,
                MaxLambda = MaxLambda ?? d.MaxLambda,
                Bottleneck = Bottleneck ?? d.Bottleneck,
                DiscriminatorWidth = DiscriminatorWidth ?? d.DiscriminatorWidth,
                DiscriminatorLayers = DiscriminatorLayers ?? d.DiscriminatorLayers,
                DiscriminatorBatchNorm = !NoDiscriminatorBatchNorm,
                Conditional = !NoConditioning,
                EntropyWeight = Entropy,
                Seed = Seed,
                Threads = Threads,
            };
        }

        internal static AdaptationMethod? ParseMethod(string s) => OptionValues.ParseEnum<AdaptationMethod>(s);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Adapt(settings, token));

    private static string MethodName(AdaptationMethod m) => m switch
    {
        AdaptationMethod.SourceOnly => "source-only",
        AdaptationMethod.TargetOnly => "target-only",
        _ => m.ToString().ToLowerInvariant(),
    };

    private static int Adapt(Settings settings, CancellationToken cancellation)
    {
        var options = settings.ToOptions();
        int threads = Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        using var pair = LoadPair(settings);
        var spec = new ModelSpec(settings.Model, pair.ExampleShape, pair.SourceTrain.ClassCount);
        ModelZoo.Create(spec).Dispose();   // a model that cannot take these inputs fails here, before a run folder exists
        var run = RunFolder.Create(settings.Runs, "adapt");
        string method = MethodName(options.Method);
        AnsiConsole.MarkupLine($"[bold]adapt[/] {Markup.Escape(method)}: {Markup.Escape(settings.Source!)} -> {Markup.Escape(settings.Target!)}; " +
            $"source train {pair.SourceTrain.Count}, source validation {pair.SourceHeldOut.Count}, target train {pair.TargetTrain.Count} " +
            (pair.TargetLabelled ? $"(labels unused), target test {pair.TargetHeldOut.Count};" : $"(unlabelled), target held out {pair.TargetHeldOut.Count} (unlabelled);") +
            $" {Markup.Escape(settings.Model)}, {threads} threads, seed {options.Seed}; run folder {Markup.Escape(run.Path)}");
        var notes = pair.Notes.ToList();
        if (!pair.TargetLabelled) notes.Add("target unlabelled: no target accuracy can be measured; its held-out part is split at random and serves the t-SNE pictures only");
        foreach (var note in notes) AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(note)}[/]");
        // Target accuracy is measured only on a labelled target's held-out part.
        var targetEvaluation = pair.TargetLabelled ? pair.TargetHeldOut : null;

        bool adapts = options.Method is AdaptationMethod.Dann or AdaptationMethod.Mmd or AdaptationMethod.Coral;
        AdaptationResult? baseline = null;
        Seeding.SeedEverything(options.Seed);
        using var baselineModel = adapts && !settings.NoBaseline ? ModelZoo.Create(spec) : null;
        if (baselineModel is not null)
        {
            var baseOptions = options with { Method = AdaptationMethod.SourceOnly };
            baseline = TrainingProgressBar.Run("source-only baseline",
                progress => new DomainAdaptationTrainer(baseOptions).Fit(baselineModel, pair.SourceTrain, pair.TargetTrain,
                    pair.SourceHeldOut, targetEvaluation, progress, cancellation));
        }

        Seeding.SeedEverything(options.Seed);
        using var model = ModelZoo.Create(spec);
        var info = new CheckpointInfo
        {
            Architecture = spec.Architecture,
            InputShape = spec.InputShape,
            ClassNames = pair.ClassNames.ToArray(),
            Data = $"{method}: {settings.Source} ({pair.SourceTrain.Provenance}) -> {settings.Target} ({pair.TargetTrain.Provenance})",
        };
        var trainer = new DomainAdaptationTrainer(options);
        var result = TrainingProgressBar.Run($"{method} {settings.Source} -> {settings.Target}",
            progress => trainer.Fit(model, pair.SourceTrain, pair.TargetTrain, pair.SourceHeldOut, targetEvaluation, progress, cancellation,
                (e, network) => Checkpoint.Save(run.Checkpoint, network.Classifier, info with { Epoch = e.Epoch, Bottleneck = network.BottleneckWidth })));

        var source = Metrics.Evaluate(result.Network, pair.SourceHeldOut);
        var target = targetEvaluation is null ? null : Metrics.Evaluate(result.Network, targetEvaluation);
        double? baselineTarget = baseline is null || targetEvaluation is null ? null : Metrics.Evaluate(baseline.Network, targetEvaluation).Accuracy;
        var metrics = new Dictionary<string, double>
        {
            ["source_accuracy"] = source.Accuracy,
            ["steps"] = result.Steps,
        };
        if (target is not null) metrics["target_accuracy"] = target.Accuracy;
        if (baselineTarget is { } bt && target is not null)
        {
            metrics["source_only_target_accuracy"] = bt;
            metrics["gain_over_source_only"] = target.Accuracy - bt;
        }
        if (!double.IsNaN(result.Final.DomainAccuracy)) metrics["domain_accuracy"] = result.Final.DomainAccuracy;
        Checkpoint.Save(run.Checkpoint, result.Network.Classifier,
            info with { Epoch = result.History.Count, Metrics = metrics, Bottleneck = result.Network.BottleneckWidth });

        var pictures = new List<string>();
        if (settings.Tsne > 0)
        {
            var tsne = new TsneOptions { Seed = options.Seed };
            var names = new[] { $"source ({settings.Source})", $"target ({settings.Target})" };
            AnsiConsole.MarkupLine("[grey]t-SNE of the features...[/]");
            if (baseline is not null)
            {
                Draw(Path.Combine(run.Path, "tsne-before.png"), FeatureEmbedding.Compute(baseline.Network, pair.SourceHeldOut, pair.TargetHeldOut, settings.Tsne, tsne),
                    pair.ClassNames, names, $"before adaptation (source only): {TargetAccuracyText(baselineTarget)}");
                pictures.Add("tsne-before.png");
            }
            Draw(Path.Combine(run.Path, adapts ? "tsne-after.png" : "tsne.png"),
                FeatureEmbedding.Compute(result.Network, pair.SourceHeldOut, pair.TargetHeldOut, settings.Tsne, tsne),
                pair.ClassNames, names, $"{(adapts ? "after adaptation" : "features")} ({method}): {TargetAccuracyText(target?.Accuracy)}");
            pictures.Add(adapts ? "tsne-after.png" : "tsne.png");
        }
        SaveCurves(Path.Combine(run.Path, "curves.png"), result.History, baseline?.History, pair.TargetLabelled,
            $"{method}: {settings.Source} -> {settings.Target}{(pair.TargetLabelled ? "" : " (target unlabelled)")}");
        pictures.Add("curves.png");

        run.WriteJson(run.Metrics, new
        {
            command = "adapt",
            method,
            source = settings.Source,
            target = settings.Target,
            model = settings.Model,
            seed = options.Seed,
            threads,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            options,
            notes,
            target_labelled = pair.TargetLabelled,
            split = new { source_train = pair.SourceTrain.Count, source_validation = pair.SourceHeldOut.Count, target_train = pair.TargetTrain.Count, target_test = pair.TargetHeldOut.Count },
            target_accuracy_note = target is null ? "target unlabelled: not measured" : null,
            metrics,
            per_class_target_accuracy = target is null ? null : pair.TargetHeldOut.ClassNames.Zip(target.PerClassAccuracy()).ToDictionary(p => p.First, p => p.Second),
            history = result.History,
            source_only_history = baseline?.History,
        });

        // An unlabelled target has no accuracy column rather than a column of dashes.
        var table = new Table().Title("training").AddColumns(
            ["epoch", "class loss", "align loss", "domain acc", "source acc", .. pair.TargetLabelled ? new[] { "target acc" } : [], "lambda", "lr", "s"]);
        foreach (var h in result.History)
            table.AddRow([$"{h.Epoch}", $"{h.ClassificationLoss:0.0000}", Num(h.AlignmentLoss, "0.0000"), Pct(h.DomainAccuracy), Pct(h.SourceAccuracy),
                .. pair.TargetLabelled ? new[] { Pct(h.TargetAccuracy) } : [], $"{h.Lambda:0.000}", $"{h.LearningRate:0.######}", $"{h.Seconds:0.0}"]);
        AnsiConsole.Write(table);
        var rows = new List<(string, string)>
        {
            ("method", $"{method} ({result.Steps} steps of {options.BatchSize} + {options.BatchSize})"),
            ("target accuracy", target is null ? $"not measured: the target is unlabelled ({pair.TargetHeldOut.Count} held-out target examples)"
                : $"{target.Accuracy:P2} ({target.Count} held-out target examples)"),
            ("source accuracy", $"{source.Accuracy:P2} ({source.Count} held-out source examples)"),
        };
        if (baselineTarget is { } b2 && target is not null)
            rows.Add(("source-only target accuracy", $"{b2:P2} (gain {100 * (target.Accuracy - b2):+0.00;-0.00} points)"));
        if (!double.IsNaN(result.Final.DomainAccuracy)) rows.Add(("domain classifier accuracy", $"{result.Final.DomainAccuracy:P1} (last epoch; 50 % = fooled)"));
        rows.Add(("pictures", string.Join(", ", pictures)));
        rows.Add(("run folder", run.Path));
        Tables.KeyValues("result", rows);
        return 0;
    }

    private static DomainPair LoadPair(Settings settings)
    {
        var dataOptions = new DataOptions { ImageSize = settings.Size };
        using var source = Prepare(Catalog.Load(settings.Source!, dataOptions), settings.Resize);
        using var target = Prepare(Catalog.Load(settings.Target!, dataOptions), settings.Resize);
        if (!source.HasLabels) throw new ArgumentException($"--source {settings.Source}: the dataset has no labels");
        if (!target.HasLabels && settings.ToOptions().Method == AdaptationMethod.TargetOnly)
            throw new ArgumentException($"--target {settings.Target}: the dataset has no labels, which --method target-only trains on");
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
