using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.Losses;
using TransferSharp.Models;
using TransferSharp.Reporting;
using TransferSharp.Training;
using TransferSharp.ZeroShot;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer zeroshot</c>: train on the seen classes, recognise the unseen ones from their descriptions.</summary>
internal sealed class ZeroShotCommand : Command<ZeroShotCommand.Settings>
{
    internal sealed class Settings : ModelDataSettings
    {
        [CommandOption("--method <METHOD>")]
        [Description("dap (attribute prediction), embedding (max-margin joint embedding) or conse.")]
        public string? Method { get; init; }

        [CommandOption("--descriptions <FILE|builtin>")]
        [Description("builtin (default: the attribute tables for fashion-mnist and the digit sets), an attribute table (.csv: class, then one column per attribute) or word vectors (GloVe/word2vec text).")]
        public string Descriptions { get; init; } = "builtin";

        [CommandOption("--unseen <CLASSES>")]
        [Description("Classes kept out of training, by name or index, e.g. Sandal,Bag or 3,7.")]
        public string? Unseen { get; init; }

        [CommandOption("--generalized")]
        [Description("Also evaluate generalized zero-shot: seen and unseen classes all candidates (seen, unseen, harmonic mean).")]
        public bool Generalized { get; init; }

        [CommandOption("--calibration <GAMMA>")]
        [Description("Calibrated stacking: subtract GAMMA from seen-class scores in the generalized evaluation. Default 0.")]
        public double Calibration { get; init; }

        [CommandOption("--embedding-size <N>")]
        [Description("Joint space size of the embedding method. Default 64.")]
        public int? EmbeddingSize { get; init; }

        [CommandOption("--margin <K>")]
        [Description("Margin k of the max-margin loss. Default 1.")]
        public double? Margin { get; init; }

        [CommandOption("--loss <KIND>")]
        [Field(nameof(ZeroShotOptions.MarginLoss))]
        [Description("Embedding loss: structured (max over wrong classes, default) or sum (DeViSE).")]
        public string? Loss { get; init; }

        [CommandOption("--top <T>")]
        [Field(nameof(ZeroShotOptions.ConseTop))]
        [Description("ConSE: seen classes combined. Default 3.")]
        public int? Top { get; init; }

        [CommandOption("--dap-scoring <RULE>")]
        [Description("DAP: probabilistic (default) or nearest.")]
        public string? DapScoring { get; init; }

        [CommandOption("--seen-test-fraction <F>")]
        [Description("Fraction of every seen class held out for the generalized evaluation. Default 0.2.")]
        public double SeenTestFraction { get; init; } = 0.2;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (string.IsNullOrWhiteSpace(Method)) return ValidationResult.Error("--method is required (dap, embedding or conse)");
            if (ParseMethod(Method) is null) return ValidationResult.Error($"--method '{Method}' is unknown (choose dap, embedding, conse)");
            if (string.IsNullOrWhiteSpace(Unseen)) return ValidationResult.Error("--unseen is required: the classes to keep out of training, e.g. --unseen Sandal,Bag");
            if (GivenOptimizer is not null || GivenSchedule is not null || Momentum is not null)
                return ValidationResult.Error("--optimizer, --schedule and --momentum do not apply: zeroshot trains with Adam and cosine decay");
            if (Loss is not null && ParseLoss(Loss) is null) return ValidationResult.Error($"--loss '{Loss}' is unknown (choose structured, sum)");
            if (DapScoring is not null && ParseScoring(DapScoring) is null) return ValidationResult.Error($"--dap-scoring '{DapScoring}' is unknown (choose probabilistic, nearest)");
            if (!double.IsFinite(Calibration)) return ValidationResult.Error($"--calibration must be a finite number, got {Calibration}");
            if (Calibration != 0 && !Generalized) return ValidationResult.Error("--calibration only applies to the generalized evaluation: add --generalized");
            if (SeenTestFraction is <= 0 or >= 1) return ValidationResult.Error($"--seen-test-fraction must be in (0, 1), got {SeenTestFraction}");
            return OptionNames.Check(this, ToOptions().Validate());
        }

        /// <summary>
        /// The library's options with the values given. Until ZeroShotOptions derives from TrainerOptions (the `loop`
        /// branch) the trainer values are copied here; then this becomes <c>ApplyTo(d) with { … }</c>.
        /// </summary>
        public ZeroShotOptions ToOptions()
        {
            var d = new ZeroShotOptions { Architecture = Model };
            return d with
            {
                Epochs = Epochs ?? d.Epochs,
                BatchSize = BatchSize ?? d.BatchSize,
                LearningRate = LearningRate ?? d.LearningRate,
                WeightDecay = WeightDecay ?? d.WeightDecay,
                EmbeddingSize = EmbeddingSize ?? d.EmbeddingSize,
                Margin = Margin ?? d.Margin,
                MarginLoss = (Loss is null ? null : ParseLoss(Loss)) ?? d.MarginLoss,
                ConseTop = Top ?? d.ConseTop,
                DapScoring = (DapScoring is null ? null : ParseScoring(DapScoring)) ?? d.DapScoring,
                Seed = Seed,
                Threads = Threads,
            };
        }

        public ZeroShotMethod MethodKind => ParseMethod(Method!)!.Value;

        private static ZeroShotMethod? ParseMethod(string s) => s.ToLowerInvariant() switch
        {
            "dap" => ZeroShotMethod.Dap,
            "embedding" or "sje" => ZeroShotMethod.Embedding,
            "conse" => ZeroShotMethod.ConSE,
            _ => null,
        };

        private static MaxMarginKind? ParseLoss(string s) => s.ToLowerInvariant() switch
        {
            "structured" or "max" => MaxMarginKind.Structured,
            "sum" or "devise" => MaxMarginKind.Sum,
            _ => null,
        };

        private static ZeroShot.DapScoring? ParseScoring(string s) => s.ToLowerInvariant() switch
        {
            "probabilistic" => ZeroShot.DapScoring.Probabilistic,
            "nearest" => ZeroShot.DapScoring.Nearest,
            _ => null,
        };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Run(settings, token));

    private static int Run(Settings settings, CancellationToken cancellation)
    {
        var options = settings.ToOptions();
        var method = settings.MethodKind;
        int threads = Seeding.SetThreads(options.Threads);
        using var data = settings.LoadData();
        if (!data.HasLabels) throw new ArgumentException($"--data {settings.Data}: the dataset has no labels, so no class can be held out");
        var unseen = ZeroShotSplit.ParseClasses(settings.Unseen!, data);
        var descriptions = LoadDescriptions(settings.Descriptions, data, out var wordReport);
        var aligned = ZeroShotExperiment.Prepare(data, descriptions, method);
        var evaluation = new ZeroShotEvaluationOptions
        {
            SeenTestFraction = settings.SeenTestFraction,
            Generalized = settings.Generalized,
            Calibration = settings.Calibration,
        };
        using var split = ZeroShotSplit.Create(data, unseen, evaluation.SeenTestFraction, options.Seed);
        var run = settings.CreateRun("zeroshot");   // inputs are good: now leave evidence

        var unseenNames = unseen.Select(c => data.ClassNames[c]).ToArray();
        AnsiConsole.MarkupLine($"[bold]zeroshot[/] {Markup.Escape(MethodName(method))} on {Markup.Escape(data.ToString())}; " +
                               $"descriptions {Markup.Escape(aligned.ToString())}; unseen {Markup.Escape(string.Join(", ", unseenNames))}; " +
                               $"{Markup.Escape(options.Architecture)}, {threads} threads, seed {options.Seed}; run folder {Markup.Escape(run.Path)}");
        if (wordReport is not null) PrintWordReport(wordReport);

        var outcome = ProgressBar.Run($"{MethodName(method)} on {settings.Data}",
            progress => ZeroShotExperiment.Run(split, aligned, method, options, evaluation, progress, cancellation));
        using var model = outcome.Model;
        var report = outcome.Report;

        string Label(int c) => report.Unseen.Contains(c) ? $"{data.ClassNames[c]} *" : data.ClassNames[c];
        var unseenLabels = report.Unseen.Select(Label).ToArray();
        Heatmap.SaveConfusion(Path.Combine(run.Path, "confusion-zero-shot.png"), report.UnseenConfusion, unseenLabels, unseenLabels,
            $"{MethodName(method)}: unseen classes only, per-class accuracy {report.UnseenAccuracy:P1}");
        if (report.Generalized is { } g)
        {
            var all = Enumerable.Range(0, data.ClassCount).Select(Label).ToArray();
            Heatmap.SaveConfusion(Path.Combine(run.Path, "confusion-generalized.png"), g.Confusion, all, all,
                $"{MethodName(method)} generalized (* unseen): s {g.SeenAccuracy:P1}, u {g.UnseenAccuracy:P1}, H {g.HarmonicMean:P1}");
            LinePlot.Save(Path.Combine(run.Path, "seen-unseen-curve.png"),
                [new Series("calibrated stacking, γ swept", g.Curve.Select(p => p.UnseenAccuracy).ToArray(), g.Curve.Select(p => p.SeenAccuracy).ToArray())],
                $"{MethodName(method)}: seen-unseen curve, AUSUC {g.Ausuc:0.000}", "unseen accuracy", "seen accuracy", unitSquare: true);
        }
        model.Save(Path.Combine(run.Path, "model.pt"));
        run.SaveLearningCurve(model.History, $"{MethodName(method)} on the seen classes of {settings.Data}");
        var metrics = new Dictionary<string, double>
        {
            ["unseen_accuracy"] = report.UnseenAccuracy,
            ["chance"] = report.Chance,
        };
        if (report.Generalized is { } gm)
        {
            metrics["generalized_seen_accuracy"] = gm.SeenAccuracy;
            metrics["generalized_unseen_accuracy"] = gm.UnseenAccuracy;
            metrics["generalized_harmonic_mean"] = gm.HarmonicMean;
            metrics["generalized_ausuc"] = gm.Ausuc;
            metrics["generalized_best_harmonic_mean_on_test"] = gm.BestOnCurve.HarmonicMean;
            metrics["generalized_best_gamma_on_test"] = gm.BestOnCurve.Gamma;
        }
        run.WriteJson(run.Metrics, new
        {
            command = "zeroshot",
            method = method.ToString().ToLowerInvariant(),
            data = settings.Data,
            provenance = data.Provenance,
            descriptions = aligned.Source,
            description_kind = aligned.Kind.ToString().ToLowerInvariant(),
            seen = report.Seen.Select(c => data.ClassNames[c]).ToArray(),
            unseen = unseenNames,
            seed = options.Seed,
            threads,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            options,
            evaluation,
            split = new { train = outcome.TrainCount, seen_test = outcome.SeenTestCount, unseen_test = outcome.UnseenTestCount },
            metrics,
            ignored_attributes = (model as DapModel)?.IgnoredAttributes,
            per_class = report.PerClass,
            seen_unseen_curve = report.Generalized?.Curve,
            history = model.History,
        });

        PrintPerClass(report);
        var rows = new List<(string, string)>
        {
            ("zero-shot accuracy (unseen, per-class mean)", $"{report.UnseenAccuracy:P2} (chance {report.Chance:P1}, {outcome.UnseenTestCount} images)"),
        };
        if (report.Generalized is { } gr)
        {
            rows.Add(("generalized: seen accuracy", $"{gr.SeenAccuracy:P2} ({outcome.SeenTestCount} held-out images)"));
            rows.Add(("generalized: unseen accuracy", $"{gr.UnseenAccuracy:P2}"));
            rows.Add(("generalized: harmonic mean H", $"{gr.HarmonicMean:P2}" + (gr.Calibration != 0 ? $" (calibration γ = {gr.Calibration.ToString(CultureInfo.InvariantCulture)})" : "")));
            rows.Add(("generalized: area under seen-unseen curve", $"{gr.Ausuc:0.000}"));
            var best = gr.BestOnCurve;
            rows.Add(("best H over γ (γ picked on test labels: an upper bound)", $"{best.HarmonicMean:P2} at γ = {best.Gamma.ToString("0.###", CultureInfo.InvariantCulture)} (s {best.SeenAccuracy:P1}, u {best.UnseenAccuracy:P1})"));
        }
        if (model is DapModel { IgnoredAttributes.Count: > 0 } dap)
            rows.Add(("attributes constant on seen classes (ignored)", string.Join(", ", dap.IgnoredAttributes)));
        rows.Add(("trained on", $"{outcome.TrainCount} seen-class images, {model.History.Count} epochs"));
        rows.Add(("run folder", run.Path));
        Tables.KeyValues("result", rows);
        return 0;
    }

    private static ClassDescriptions LoadDescriptions(string spec, Dataset data, out WordVectorReport? report)
    {
        report = null;
        if (string.Equals(spec, "builtin", StringComparison.OrdinalIgnoreCase)) return BuiltInDescriptions.For(data.Name, data.ClassNames);
        if (BuiltInDescriptions.Names.Contains(spec.ToLowerInvariant())) return BuiltInDescriptions.Get(spec.ToLowerInvariant());
        if (!File.Exists(spec))
            throw new FileNotFoundException($"--descriptions {spec}: no such file (give builtin, {string.Join(", ", BuiltInDescriptions.Names)}, a .csv attribute table or a word-vector file)", spec);
        if (spec.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return AttributeTable.Read(spec);
        var (descriptions, r) = WordVectors.Read(spec, data.ClassNames);
        report = r;
        return descriptions;
    }

    private static void PrintWordReport(WordVectorReport r)
    {
        AnsiConsole.MarkupLine($"word vectors: {r.Words:N0} words of dimension {r.Dimension}" +
                               (r.Skipped.Count > 0 ? $", {r.Skipped.Count} malformed line(s) skipped (first: line {r.Skipped[0].Line}, {Markup.Escape(r.Skipped[0].Reason)})" : ""));
        foreach (var (cls, words) in r.MissingWords)
            AnsiConsole.MarkupLine($"[yellow]class '{Markup.Escape(cls)}': no vector for {Markup.Escape(string.Join(", ", words))}; averaged {Markup.Escape(string.Join(", ", r.Matched.GetValueOrDefault(cls) ?? []))}[/]");
    }

    private static void PrintPerClass(ZeroShotReport report)
    {
        var t = new Table().Title("per class").AddColumns("class", "split", "test images", "zero-shot acc", "generalized acc");
        foreach (var c in report.PerClass)
            t.AddRow(Markup.Escape(c.Name), c.Seen ? "seen" : "[bold]unseen[/]", $"{c.Count:N0}",
                c.ZeroShotAccuracy is { } z ? $"{z:P1}" : "-", c.GeneralizedAccuracy is { } g ? $"{g:P1}" : "-");
        AnsiConsole.Write(t);
    }

    private static string MethodName(ZeroShotMethod m) => m switch
    {
        ZeroShotMethod.Dap => "DAP",
        ZeroShotMethod.Embedding => "embedding",
        ZeroShotMethod.ConSE => "ConSE",
        _ => m.ToString(),
    };
}
