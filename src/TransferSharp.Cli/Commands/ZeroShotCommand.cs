using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.Losses;
using TransferSharp.Training;
using TransferSharp.ZeroShot;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer zeroshot</c>: train on the seen classes, recognise the unseen ones from their descriptions.</summary>
internal sealed class ZeroShotCommand : Command<ZeroShotCommand.Settings>
{
    internal sealed class Settings : ModelDataSettings
    {
        protected override bool Validates => false;
        protected override TrainerOptions LibraryDefaults => new ZeroShotOptions();
        [CommandOption("--method <METHOD>"), Description("dap (attribute prediction), embedding (max-margin joint embedding), conse or eszsl (closed-form bilinear map).")]
        public string? Method { get; init; }
        [CommandOption("--descriptions <FILE|builtin|names>"), Description("builtin (default: the attribute tables for fashion-mnist and the digit sets), names (each class name embedded by the built-in text encoder all-MiniLM-L6-v2), a sentence file (.txt, lines 'ClassName: sentence', several per class averaged), an attribute table (.csv: class, then one column per attribute) or word vectors (GloVe/word2vec text). Text embeddings are cached in $TRANSFERSHARP_CACHE/text-embeddings (default ~/.cache/transfersharp).")]
        public string Descriptions { get; init; } = "builtin";
        [CommandOption("--unseen <CLASSES>"), Description("Classes kept out of training, by name or index, e.g. Sandal,Bag or 3,7.")]
        public string? Unseen { get; init; }
        [CommandOption("--generalized"), Description("Also evaluate generalized zero-shot: seen and unseen classes all candidates (seen, unseen, harmonic mean).")]
        public bool Generalized { get; init; }
        [CommandOption("--calibration <GAMMA>"), Description("Calibrated stacking: subtract GAMMA from seen-class scores in the generalized evaluation (0 = off). Default: chosen on a validation split of the seen classes (some seen classes play unseen; no unseen label is read), which trains the method twice.")]
        public double? Calibration { get; init; }
        [CommandOption("--embedding-size <N>"), Description("Joint space size of the embedding method. Default 64.")]
        public int? EmbeddingSize { get; init; }
        [CommandOption("--margin <K>"), Description("Margin k of the max-margin loss. Default 1.")]
        public double? Margin { get; init; }
        [CommandOption("--loss <KIND>"), Field(nameof(ZeroShotOptions.MarginLoss)), Description("Embedding loss: structured (max over wrong classes, default), sum (DeViSE) or ranking (ALE: wrong classes weighted by the true class's rank).")]
        public string? Loss { get; init; }
        [CommandOption("--normalize-descriptions"), Description("Embedding method: scale every class description to unit length first.")]
        public bool NormalizeDescriptions { get; init; }
        [CommandOption("--name-template <TEXT>"), Description("With --descriptions names: the text embedded for a class, {0} standing for its name. Default 'a photo of a {0}' (chosen on seen classes, bench/zeroshot.md).")]
        public string? NameTemplate { get; init; }
        [CommandOption("--top <T>"), Field(nameof(ZeroShotOptions.ConseTop)), Description("ConSE: seen classes combined. Default 3.")]
        public int? Top { get; init; }
        [CommandOption("--dap-scoring <RULE>"), Description("DAP: probabilistic (default) or nearest.")]
        public string? DapScoring { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (string.IsNullOrWhiteSpace(Method)) return ValidationResult.Error($"--method is required ({ZeroShotMethods.Names})");
            if (ZeroShotMethods.Find(Method) is null) return ValidationResult.Error($"--method '{Method}' is unknown (choose {ZeroShotMethods.Names})");
            if (string.IsNullOrWhiteSpace(Unseen)) return ValidationResult.Error("--unseen is required: the classes to keep out of training, e.g. --unseen Sandal,Bag");
            if (Loss is not null && OptionValues.ParseEnum<MaxMarginKind>(Loss) is null) return ValidationResult.Error($"--loss '{Loss}' is unknown (choose structured, sum, ranking)");
            if (DapScoring is not null && OptionValues.ParseEnum<ZeroShot.DapScoring>(DapScoring) is null)
                return ValidationResult.Error($"--dap-scoring '{DapScoring}' is unknown (choose probabilistic, nearest)");
            if (NameTemplate is not null && !string.Equals(Descriptions, "names", StringComparison.OrdinalIgnoreCase))
                return ValidationResult.Error("--name-template only applies to --descriptions names");
            if (NameTemplate is not null && !NameTemplate.Contains("{0}", StringComparison.Ordinal))
                return ValidationResult.Error($"--name-template '{NameTemplate}' has no {{0}} where the class name goes");
            if (Calibration is not null && !Generalized) return ValidationResult.Error("--calibration only applies to the generalized evaluation: add --generalized");
            return OptionNames.Check(this, [.. ToOptions().Validate(), .. Evaluation.Validate()]);
        }

        public IZeroShotMethod ChosenMethod => ZeroShotMethods.Find(Method)!;

        /// <summary>The evaluation given (<c>--test-fraction</c>: of every seen class).</summary>
        public ZeroShotEvaluationOptions Evaluation => new() { Generalized = Generalized, Calibration = Calibration, SeenTestFraction = TestFraction };

        public ZeroShotOptions ToOptions()
        {
            var d = new ZeroShotOptions();
            return ApplyTo(d) with
            {
                Architecture = Model,
                EmbeddingSize = EmbeddingSize ?? d.EmbeddingSize,
                Margin = Margin ?? d.Margin,
                MarginLoss = (Loss is null ? null : OptionValues.ParseEnum<MaxMarginKind>(Loss)) ?? d.MarginLoss,
                ConseTop = Top ?? d.ConseTop,
                NormalizeDescriptions = NormalizeDescriptions,
                DapScoring = (DapScoring is null ? null : OptionValues.ParseEnum<ZeroShot.DapScoring>(DapScoring)) ?? d.DapScoring,
            };
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Run(settings, token));

    private static int Run(Settings settings, CancellationToken cancellation)
    {
        var (options, evaluation, method) = (settings.ToOptions(), settings.Evaluation, settings.ChosenMethod);
        int threads = Seeding.SetThreads(options.Threads);
        using var data = settings.LoadData();
        if (!data.HasLabels) throw new ArgumentException($"--data {settings.Data}: the dataset has no labels, so no class can be held out");
        var unseen = ZeroShotSplit.ParseClasses(settings.Unseen!, data);
        var descriptions = LoadDescriptions(settings.Descriptions, settings.NameTemplate, data, threads);
        var aligned = ZeroShotExperiment.Prepare(data, descriptions, method.Kind);
        using var split = ZeroShotSplit.Create(data, unseen, evaluation.SeenTestFraction, options.Seed);
        var run = settings.CreateRun("zeroshot");   // inputs are good: now leave evidence

        var unseenNames = unseen.Select(c => data.ClassNames[c]).ToArray();
        AnsiConsole.MarkupLine($"[bold]zeroshot[/] {Markup.Escape(method.DisplayName)} on {Markup.Escape(data.ToString())}; " +
                               $"descriptions {Markup.Escape(aligned.ToString())}; unseen {Markup.Escape(string.Join(", ", unseenNames))}; " +
                               $"{Markup.Escape(options.Architecture)}, {threads} threads, seed {options.Seed}; run folder {Markup.Escape(run.Path)}");
        var outcome = ProgressBar.Run($"{method.DisplayName} on {settings.Data}",
            progress => ZeroShotExperiment.Run(split, aligned, method.Kind, options, evaluation, progress, cancellation));
        using var model = outcome.Model;
        var report = outcome.Report;
        var ignored = (model as DapModel)?.IgnoredAttributes;

        ZeroShotFigures.SaveFigures(run.Path, report, method.DisplayName);
        model.Save(Path.Combine(run.Path, "model.pt"));
        run.SaveLearningCurve(model.History, $"{method.DisplayName} on the seen classes of {settings.Data}");
        // metrics.json: schema transfersharp.zeroshot/1 (docs/metrics/zeroshot.md).
        run.WriteJson(run.Metrics, new
        {
            schema = "transfersharp.zeroshot/1", command = "zeroshot", method = method.Name, data = settings.Data, provenance = data.Provenance,
            descriptions = aligned.Source, description_kind = aligned.Kind.ToString().ToLowerInvariant(),
            seen = report.Seen.Select(c => data.ClassNames[c]).ToArray(), unseen = unseenNames, seed = options.Seed, threads,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, device = settings.DeviceName }, options, evaluation,
            split = new { train = outcome.TrainCount, seen_test = outcome.SeenTestCount, unseen_test = outcome.UnseenTestCount }, metrics = report.Metrics,
            calibration = outcome.Calibration,
            ignored_attributes = ignored, per_class = report.PerClass, seen_unseen_curve = report.Generalized?.Curve, history = model.History,
        });
        ZeroShotReports.Print(outcome, ignored ?? [], run.Path);
        return 0;
    }

    /// <summary>builtin (the data's own table), a built-in table's name, names, a sentence file, an attribute table (.csv) or word vectors.</summary>
    private static ClassDescriptions LoadDescriptions(string spec, string? nameTemplate, Dataset data, int threads)
    {
        if (string.Equals(spec, "builtin", StringComparison.OrdinalIgnoreCase)) return BuiltInDescriptions.For(data.Name, data.ClassNames);
        if (string.Equals(spec, "names", StringComparison.OrdinalIgnoreCase))
            return TextDescriptions.FromNames(data.ClassNames, nameTemplate ?? TextDescriptions.DefaultNameTemplate, TextDescriptions.DefaultCacheFolder, threads);
        if (BuiltInDescriptions.Names.Contains(spec.ToLowerInvariant())) return BuiltInDescriptions.Get(spec.ToLowerInvariant());
        if (!File.Exists(spec))
            throw new FileNotFoundException($"--descriptions {spec}: no such file (give builtin, names, {string.Join(", ", BuiltInDescriptions.Names)}, a sentence file, a .csv attribute table or a word-vector file)", spec);
        if (spec.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return AttributeTable.Read(spec);
        if (TextDescriptions.LooksLikeSentences(spec)) return TextDescriptions.FromSentenceFile(spec, TextDescriptions.DefaultCacheFolder, threads);
        var (descriptions, r) = WordVectors.Read(spec, data.ClassNames);
        AnsiConsole.MarkupLine($"word vectors: {r.Words:N0} words of dimension {r.Dimension}" +
                               (r.Skipped.Count > 0 ? $", {r.Skipped.Count} malformed line(s) skipped (first: line {r.Skipped[0].Line}, {Markup.Escape(r.Skipped[0].Reason)})" : ""));
        foreach (var (cls, words) in r.MissingWords)
            AnsiConsole.MarkupLine($"[yellow]class '{Markup.Escape(cls)}': no vector for {Markup.Escape(string.Join(", ", words))}; averaged {Markup.Escape(string.Join(", ", r.Matched.GetValueOrDefault(cls) ?? []))}[/]");
        return descriptions;
    }
}
