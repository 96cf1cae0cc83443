using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli.Evidence;
using TransferSharp.Cli.Rendering;
using TransferSharp.Training;
using TransferSharp.Translation;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// <c>transfer translate train</c>: one multilingual model on the training directions, tested on directions it never
/// saw (zero-shot), against the same model bridged through a pivot and a model also trained on them (direct).
/// </summary>
internal sealed class TranslateTrainCommand : Command<TranslateTrainCommand.Settings>
{
    internal sealed class Settings : TrainerSettings
    {
        [CommandOption("--corpus <numbers|FILE>"), Description("numbers (built in: numbers written out in words by Humanizer) or a multi-parallel TSV/CSV file whose header names one language per column. Default numbers (unless --pairs).")]
        public string? Corpus { get; init; }
        [CommandOption("--pairs <LANG-LANG=FILE>"), Description("Instead of --corpus: a plain pair file, source<TAB>target per line, e.g. --pairs en-fr=data/en-fr.tsv; once per file. " +
            "Lines of different files are different meanings, except where a sentence is the same (then they share a row). Rows are split into train, validation and test parts.")]
        public string[] Pairs { get; init; } = [];
        [CommandOption("--test <LANG-LANG=FILE>"), Description("With --pairs: a pair file used for testing only (never trained on), e.g. --test fr-de=data/fr-de.tsv for a zero-shot direction; once per file.")]
        public string[] Test { get; init; } = [];
        [CommandOption("--languages <CODES>"), Description("numbers corpus: the languages, e.g. en,fr,de,es,ko,ja. Default: those of --train and --zero-shot.")]
        public string? Languages { get; init; }
        [CommandOption("--train <DIRECTIONS>"), Description("Directions with training pairs, e.g. en-fr,fr-en,en-de,de-en (required).")]
        public string? Train { get; init; }
        [CommandOption("--zero-shot <DIRECTIONS>"), Description("Directions never trained on, tested zero-shot, e.g. fr-de,de-fr (required).")]
        public string? ZeroShot { get; init; }
        [CommandOption("--pivot <LANG>"), Description("Bridge language of the bridged baseline. Default en.")]
        public string? Pivot { get; init; }
        [CommandOption("--no-direct"), Description("Skip the direct baseline (a second model that also trains on the zero-shot directions).")]
        public bool NoDirect { get; init; }
        [CommandOption("--max-number <N>"), Description("numbers corpus: numbers are drawn from 0..N. Default 999.")]
        public int? MaxNumber { get; init; }
        [CommandOption("--train-rows <N>"), Description("Training rows (meanings). Default 700 (a file: all rows not held out).")]
        public int? TrainRows { get; init; }
        [CommandOption("--validation-rows <N>"), Description("Validation rows. Default 100.")]
        public int? ValidationRows { get; init; }
        [CommandOption("--test-rows <N>"), Description("Test rows. Default 200.")]
        public int? TestRows { get; init; }
        [CommandOption("--model-size <D>"), Description("Width of embeddings and layers. Default 64.")]
        public int? ModelSize { get; init; }
        [CommandOption("--layers <N>"), Description("Encoder layers, and as many decoder layers. Default 2.")]
        public int? Layers { get; init; }
        [CommandOption("--heads <N>"), Description("Attention heads. Default 4.")]
        public int? Heads { get; init; }
        [CommandOption("--feed-forward <N>"), Description("Feed-forward width. Default 256.")]
        public int? FeedForward { get; init; }
        [CommandOption("--dropout <P>"), Description("Dropout. Default 0.1.")]
        public double? Dropout { get; init; }
        [CommandOption("--label-smoothing <E>"), Description("Label smoothing. Default 0.1.")]
        public double? LabelSmoothing { get; init; }
        [CommandOption("--tokenizer <chars|o200k>"), Description("chars (one vocabulary of Unicode characters) or o200k (GPT-4o's byte-level BPE, cut down to the training text's pieces). Default chars.")]
        public string? Tokenizer { get; init; }
        [CommandOption("--max-length <N>"), Description("Longest sentence in tokens (characters by default); decoding stops there. Default 128.")]
        public int? MaxLength { get; init; }

        protected override TrainerOptions LibraryDefaults => new TranslationOptions();

        /// <summary>Sentences, not images: the image options do not apply.</summary>
        public override bool Applies(string property) => property is not (nameof(Size) or nameof(Resize) or nameof(Channels)) && base.Applies(property);

        /// <summary>The model's defaults, as the library has them.</summary>
        public override string? HelpDefault(string property)
        {
            var d = new TranslationOptions();
            return property switch
            {
                nameof(ModelSize) => $"{d.ModelSize}", nameof(Layers) => $"{d.Layers}", nameof(Heads) => $"{d.Heads}",
                nameof(FeedForward) => $"{d.FeedForward}", nameof(Dropout) => $"{d.Dropout}", nameof(LabelSmoothing) => $"{d.LabelSmoothing}",
                nameof(MaxLength) => $"{d.MaxLength}", nameof(Tokenizer) => d.Tokenizer,
                _ => base.HelpDefault(property),
            };
        }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (string.IsNullOrWhiteSpace(Train)) return ValidationResult.Error("--train is required, e.g. --train en-fr,fr-en,en-de,de-en");
            if (string.IsNullOrWhiteSpace(ZeroShot)) return ValidationResult.Error("--zero-shot is required, e.g. --zero-shot fr-de,de-fr");
            foreach (var (option, value) in new[] { ("--train", Train), ("--zero-shot", ZeroShot) })
            {
                try { TranslationDirection.ParseList(value); }
                catch (ArgumentException e) { return ValidationResult.Error($"{option}: {e.Message}"); }
            }
            if (Pairs.Length > 0 && Corpus is not null) return ValidationResult.Error("--corpus and --pairs are alternatives: give one");
            if (Test.Length > 0 && Pairs.Length == 0) return ValidationResult.Error("--test applies to --pairs corpora (a --corpus file or numbers is split into train, validation and test)");
            foreach (var (option, values) in new[] { ("--pairs", Pairs), ("--test", Test) })
                foreach (var value in values)
                {
                    try { PairFile.Parse(value, option); }
                    catch (ArgumentException e) { return ValidationResult.Error(e.Message); }
                }
            foreach (var (option, value) in new[] { ("--max-number", MaxNumber), ("--train-rows", TrainRows), ("--validation-rows", ValidationRows), ("--test-rows", TestRows) })
                if (value is < 1) return ValidationResult.Error($"{option} must be at least 1, got {value}");
            return OptionNames.Check(this, ToOptions().Validate());
        }

        public TranslationOptions ToOptions()
        {
            var d = new TranslationOptions();
            return ApplyTo(d) with
            {
                ModelSize = ModelSize ?? d.ModelSize, Layers = Layers ?? d.Layers, Heads = Heads ?? d.Heads, FeedForward = FeedForward ?? d.FeedForward,
                Dropout = Dropout ?? d.Dropout, LabelSmoothing = LabelSmoothing ?? d.LabelSmoothing, MaxLength = MaxLength ?? d.MaxLength,
                Tokenizer = Tokenizer ?? d.Tokenizer,
            };
        }

        public TranslationExperimentOptions ToExperiment() => new()
        {
            Train = TranslationDirection.ParseList(Train!), ZeroShot = TranslationDirection.ParseList(ZeroShot!), Pivot = Pivot ?? "en", Direct = !NoDirect,
        };

        /// <summary>The corpus's three parts: the numbers drawn with --seed, or the file's rows split with it.</summary>
        public CorpusSplits LoadCorpus(TranslationExperimentOptions experiment)
        {
            var defaults = new NumbersCorpusOptions();
            if (Pairs.Length > 0) return LoadPairs();
            if (Corpus is null || string.Equals(Corpus, NumbersCorpus.Name, StringComparison.OrdinalIgnoreCase))
            {
                var languages = Languages is null
                    ? experiment.Train.Concat(experiment.ZeroShot).SelectMany(d => new[] { d.Source, d.Target }).Append(experiment.Pivot).Distinct().ToArray()
                    : Languages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                try
                {
                    return NumbersCorpus.Create(new NumbersCorpusOptions
                    {
                        Languages = languages, Maximum = MaxNumber ?? defaults.Maximum, Train = TrainRows ?? defaults.Train,
                        Validation = ValidationRows ?? defaults.Validation, Test = TestRows ?? defaults.Test, Seed = Seed,
                    });
                }
                catch (ArgumentException e) { throw new ArgumentException($"--corpus numbers: {e.Message}"); }
            }
            if (Languages is not null) throw new ArgumentException("--languages applies to the numbers corpus; a file's header names its languages");
            if (MaxNumber is not null) throw new ArgumentException("--max-number applies to the numbers corpus only");
            return Split(CorpusFile.Read(Corpus));
        }

        /// <summary>A file's rows split with --seed (a tenth for validation, a fifth for test, at most 100 and 200 by default).</summary>
        private CorpusSplits Split(ParallelCorpus corpus)
        {
            var defaults = new NumbersCorpusOptions();
            int validation = ValidationRows ?? Math.Max(1, Math.Min(defaults.Validation, corpus.Count / 10));
            int test = TestRows ?? Math.Max(1, Math.Min(defaults.Test, corpus.Count / 5));
            var splits = CorpusSplits.Of(corpus, validation, test, Seed);
            return TrainRows is { } n && n < splits.Train.Count ? splits with { Train = splits.Train.Subset(Enumerable.Range(0, n), splits.Train.Source) } : splits;
        }

        /// <summary>The --pairs files' rows split like a file's; the --test files' rows only join the test part.</summary>
        private CorpusSplits LoadPairs()
        {
            if (Languages is not null) throw new ArgumentException("--languages applies to the numbers corpus; --pairs name their languages");
            if (MaxNumber is not null) throw new ArgumentException("--max-number applies to the numbers corpus only");
            var splits = Split(PairFiles.Read(Pairs.Select(p => PairFile.Parse(p, "--pairs")).ToArray()));
            if (Test.Length == 0) return splits;
            var files = Test.Select(p => PairFile.Parse(p, "--test")).ToArray();
            var test = PairFiles.Read(files, merge: false);
            foreach (var l in test.Languages.Where(l => !splits.Test.Has(l)))
                throw new ArgumentException($"--test {files.First(f => f.Direction.Source == l || f.Direction.Target == l)}: no --pairs file has language '{l}', so the model could not learn it");
            return splits with { Test = splits.Test.Concat(test, $"{splits.Test.Source} + {test.Source}") };
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Run(settings, token));

    private static int Run(Settings settings, CancellationToken cancellation)
    {
        var (options, experiment) = (settings.ToOptions(), settings.ToExperiment());
        int threads = Seeding.SetThreads(options.Threads);
        var splits = settings.LoadCorpus(experiment);
        var errors = experiment.Validate(splits);
        if (errors.Count > 0) throw new InvalidOptionsException(errors);
        var run = settings.CreateRun("translate");   // inputs are good: now leave evidence
        AnsiConsole.MarkupLine($"[bold]translate[/] {Markup.Escape(splits.Train.ToString())}; train {Markup.Escape(settings.Train!)}; zero-shot {Markup.Escape(settings.ZeroShot!)}; " +
                               $"d={options.ModelSize}, {options.Layers}+{options.Layers} layers, {threads} threads, seed {options.Seed}; run folder {Markup.Escape(run.Path)}");
        using var outcome = ProgressBar.Run("translate", progress => TranslationExperiment.Run(splits, experiment, options, progress, cancellation));
        var report = outcome.Report;
        outcome.Multilingual.Save(run.Checkpoint);
        if (!TranslationFigures.SaveSequenceLanguage(Path.Combine(run.Path, "sequence-language.png"), outcome.Multilingual, splits.Test, experiment.Pivot))
            AnsiConsole.MarkupLine("[yellow]no sequence-language picture: no two test rows share two languages[/]");
        run.SaveLearningCurve(report.History, $"multilingual model on {string.Join(", ", report.TrainDirections)} (validation: token accuracy)");
        MetricsJson.Write(run, report.Schema, new { command = "translate train", corpus = settings.Pairs.Length > 0 ? string.Join(" ", settings.Pairs.Concat(settings.Test.Select(t => "test " + t))) : settings.Corpus ?? NumbersCorpus.Name, threads,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, device = settings.DeviceName } }, report);
        TranslationReports.Print(report, run.Path);
        return 0;
    }
}
