using TransferSharp.Cli.Evidence;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer finetune</c>: copy stages of a trained source model into a new model and train it on a small target set.</summary>
internal sealed class FinetuneCommand : Command<FinetuneCommand.Settings>
{
    internal sealed class Settings : SplitSettings
    {
        protected override string DefaultModel => "resnet18";
        protected override bool StopsEarly => true;
        protected override bool Streams => true;
        public override string? HelpDefault(string property) => property == nameof(Model)
            ? $"{DefaultModel}; sets the architecture of a PyTorch --source only (a checkpoint and resnet18-imagenet carry theirs)" : base.HelpDefault(property);
        protected override TrainerOptions LibraryDefaults => new TrainingOptions();
        [CommandOption("-s|--source <CHECKPOINT>")]
        [Description("The source model: a model.pt written by transfer train (its model.json must sit next to it), resnet18-imagenet (ML.NET's ImageNet ResNet-18; target images get its preprocessing), or a PyTorch state dict (see --model).")]
        public string? Source { get; init; }

        [CommandOption("--allow-pickle")]
        [Description("Allow a pickled PyTorch --source (.pt, .pth, .bin, .ckpt): unpickling can run code in the file, so only for files you trust.")]
        public bool AllowPickle { get; init; }

        [CommandOption("-t|--target <DATA>")]
        [Description("The target dataset: a built-in name or path, optionally with :classes (as --data of train).")]
        public string? Target { get; init; }

        [CommandOption("--copy <STAGES>")]
        [Description("Stages copied from the source: all (default: every stage but the head), first:N, last:N, stages:a,b, or none (a fresh network of the source's architecture trained on the same target split, shots and schedule: the from-scratch baseline).")]
        public string Copy { get; init; } = "all";

        [CommandOption("--freeze")]
        [Description("Keep the copied stages fixed.")]
        public bool Freeze { get; init; }

        [CommandOption("--finetune")]
        [Description("Train the copied stages too (the default).")]
        public bool FineTune { get; init; }

        [CommandOption("--copied-lr-scale <F>")]
        [Description("Learning rate of fine-tuned copied stages as a multiple of --lr. Default 1.")]
        public double CopiedLearningRateScale { get; init { field = value; Mark(); } } = 1.0;

        [CommandOption("--conservative <TERMS>")]
        [Description("Conservative training: l2sp=A,l2sp-beta=B (L2-SP), distill=L,temperature=T (Learning without Forgetting), none, or auto: " +
                     "with copied stages fine-tuned and 2 to " + AutoSearchLimitText + " training examples in every class, choose among plain fine-tuning, copied stages at lr x0.1, " +
                     "L2-SP a=.01 and .1, and L2-SP a=.01 + LwF by cross-validation on the training examples (up to 25 extra runs); " +
                     "at 5-10 examples per class its pick averaged 1-2 points below plain fine-tuning (bench/finetune.md). Default none.")]
        public string Conservative { get; init; } = "none";

        /// <summary>Above this many training examples in some class, <c>auto</c> means plain fine-tuning: the terms moved results by under a point at 50 per class (bench/finetune.md) and the search would multiply the training time.</summary>
        internal const int AutoSearchLimit = 50;
        private const string AutoSearchLimitText = "50";

        /// <summary>True when the conservative setting is to be chosen by <see cref="ConservativeSearch"/>.</summary>
        public bool AutoConservative => Conservative.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase);

        [CommandOption("--shots <K>")]
        [Description("Train on only K labelled examples per target class (drawn from the training part).")]
        public int? Shots { get; init; }

        [CommandOption("--baseline <none|scratch>")]
        [Description("scratch: also train the source's architecture from scratch on the same split, shots and schedule, and report the gain over it (gain_over_scratch in metrics.json); doubles the training time. Default none.")]
        public string Baseline { get; init; } = "none";

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (string.IsNullOrWhiteSpace(Source)) return ValidationResult.Error("--source is required");
            if (string.IsNullOrWhiteSpace(Target)) return ValidationResult.Error("--target is required");
            if (Baseline is not ("none" or "scratch")) return ValidationResult.Error($"--baseline must be none or scratch, got '{Baseline}'");
            if (Freeze && FineTune) return ValidationResult.Error("--freeze and --finetune exclude each other");
            if (WasGiven(nameof(Model)) && (SourceModel.IsImageNet(Source) || File.Exists(Checkpoint.SidecarPath(Source))))
                return ValidationResult.Error($"--model applies to a PyTorch --source only; {Source} carries its own architecture");
            if (Shots is < 1) return ValidationResult.Error($"--shots must be at least 1, got {Shots}");
            if (StreamChoice.Error(Stream, DecodeThreads, "--target", Target, Resize, Shots) is { } streamError) return ValidationResult.Error(streamError);
            try
            {
                var options = ToOptions();
                if (Source == ImageNetResNet18.SourceName && options.Conservative.DistillationWeight > 0)
                    return ValidationResult.Error($"--conservative distill needs a source with a trained head; --source {Source} has none (ML.NET ships only its features)");
                return OptionNames.Check(this, options.Validate());
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);
            }
        }

        /// <summary>The library's options; --copy and --conservative parsed (their syntax errors name the option).</summary>
        public FineTuningOptions ToOptions() => new()
        {
            Training = ApplyTo(new TrainingOptions()) with { Patience = Patience ?? 0 },
            Transfer = new LayerTransferOptions
            {
                Copy = Parsed("--copy", StageSelection.Parse, Copy),
                Mode = Freeze ? CopiedStageMode.Frozen : CopiedStageMode.FineTuned,
                CopiedLearningRateScale = CopiedLearningRateScale,
            },
            Conservative = AutoConservative ? new ConservativeOptions() : Parsed("--conservative", ConservativeOptions.Parse, Conservative),
        };

        private static T Parsed<T>(string option, Func<string, T> parse, string value)
        {
            try { return parse(value); }
            catch (ArgumentException e) { throw new ArgumentException($"{option} {e.Message}", e); }
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => FineTune(settings, token));

    private static int FineTune(Settings s, CancellationToken cancellation)
    {
        var options = s.ToOptions();
        var (training, transfer) = (options.Training, options.Transfer);
        int threads = Seeding.SetThreads(training.Threads);
        Seeding.SeedEverything(training.Seed);
        string sourceName = s.Source!, target = s.Target!, mode = transfer.Mode.ToString().ToLowerInvariant();
        using var data = s.Stream
            ? TrainingSplit.Streamed(target, s.Size, rgb: s.Channels != 1, StreamChoice.Options(s.DecodeThreads), s.TestFraction, s.ValidationFraction,
                training.Seed, part => SourceModel.PrepareTarget(sourceName, part))
            : InMemory();
        var (source, sourceInfo) = SourceModel.Load(sourceName, data.ExampleShape, s.Model, s.AllowPickle);
        using var _ = source;
        SourceModel.CheckCompatible(source, data.ExampleShape, sourceName, target);
        var (conservative, search) = s.AutoConservative ? ChooseConservative(s, options, source, data.Train, cancellation) : (options.Conservative, null);
        transfer = search?.Choice is { } choice ? transfer with { CopiedLearningRateScale = choice.Chosen.CopiedLearningRateScale } : transfer;
        var experiment = new FineTuningExperiment(new FineTuningExperimentOptions
        {
            Training = training,
            Scratch = s.Baseline == "scratch",
            Variants = [new FineTuningVariant($"copy {transfer.Copy} ({mode})", transfer, conservative)],
        });
        AnsiConsole.MarkupLine($"[bold]finetune[/] {Markup.Escape(sourceInfo)} -> {Markup.Escape(data.Summary)}{(s.Stream ? " (streamed)" : "")}; " +
                               $"train {data.Train.Count}{(s.Shots is { } k ? $" ({k} per class)" : "")}, validation {data.Validation.Count}, " +
                               $"test {data.Test.Count}; copy {transfer.Copy} ({mode}), {threads} threads, seed {training.Seed}");
        // The library resolves --copy before training; the run folder is made once everything has run.
        using var outcome = ProgressBar.Run($"{source.Spec.Architecture} -> {target}",
            progress => experiment.Run(source, data.Train, data.Validation, data.Test, progress, cancellation));
        var (report, result, model, oldTask) = (outcome.Report, outcome.Report.Variants[0], outcome.Models[0], outcome.OldTaskModels[0]);

        var run = RunFolder.Create(s.Runs, "finetune");
        run.WriteJson(run.Settings, new { source = sourceName, target, s.Size, s.Resize, s.Channels, copy = transfer.Copy.ToString(), transfer.Mode,
            copied_lr_scale = transfer.CopiedLearningRateScale, conservative = s.AutoConservative ? "auto" : options.Conservative.ToString(), s.Shots, s.TestFraction,
            s.ValidationFraction, s.Stream, s.DecodeThreads, s.Baseline, options = training });
        var preprocessing = SourceModel.Preprocessing(sourceName);
        Checkpoint.Save(run.Checkpoint, model, new CheckpointInfo
        {
            Architecture = model.Spec.Architecture,
            InputShape = model.Spec.InputShape,
            ClassNames = data.ClassNames.ToArray(),
            Data = $"{target} ({data.Provenance}); fine-tuned from {sourceName}",
            Preprocessing = preprocessing,
            Options = training,
            Epoch = result.History.Count,
            History = result.History,
            Metrics = new Dictionary<string, double> { ["test_accuracy"] = result.TestAccuracy, ["test_loss"] = result.TestLoss, ["best_epoch"] = result.BestEpoch },
        });
        if (oldTask is not null && SourceModel.ClassNames(sourceName) is { } sourceClasses)
            Checkpoint.Save(Path.Combine(run.Path, "old-task.pt"), oldTask, new CheckpointInfo
            {
                Architecture = oldTask.Spec.Architecture,
                InputShape = oldTask.Spec.InputShape,
                ClassNames = sourceClasses,
                Preprocessing = preprocessing,
                Data = $"source task of {sourceName}, features fine-tuned on {target} with Learning without Forgetting",
            });
        MetricsJson.Write(run, "transfersharp.finetune/2", new { command = "finetune", source = sourceName, target, provenance = data.Provenance,
            streamed = s.Stream, shots = s.Shots, seed = training.Seed, threads, device = s.DeviceName, options = training,
            conservative_search = search }, report);
        run.SaveLearningCurve(result.History, $"{model.Spec.Architecture} fine-tuned on {target}");

        Tables.History(result.History);
        Tables.KeyValues("result",
        [
            ("source", sourceInfo),
            ("copied stages", result.CopiedStages.Count == 0 ? "none (trained from scratch)" : $"{string.Join(", ", result.CopiedStages)} ({mode})"),
            ("new stages", string.Join(", ", result.NewStages)),
            ("conservative", search is null ? conservative.ToString() : $"{conservative} (auto: {search.Summary})"),
            ("copied lr scale", transfer.CopiedLearningRateScale.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("training examples", s.Shots is { } shots ? $"{report.TrainCount} ({shots} per class)" : $"{report.TrainCount}"),
            ("test accuracy", $"{result.TestAccuracy:P2} ({result.TestCount} held-out examples)"),
            .. report.Scratch is not { } scratch ? Array.Empty<(string, string)>()
                : [("from scratch", $"{scratch.TestAccuracy:P2}"), ("gain over scratch", $"{result.GainOverScratch * 100:+0.00;-0.00} points")],
            ("test loss", $"{result.TestLoss:0.0000}"),
            ("run folder", run.Path),
        ]);
        return 0;

        TrainingSplit InMemory()
        {
            using var all = SourceModel.PrepareTarget(sourceName, s.Load(target));
            return TrainingSplit.InMemory(all, s.TestFraction, s.ValidationFraction, training.Seed, s.Shots);
        }
    }

    /// <summary>What <c>--conservative auto</c> chose and why: the search's scores, or the reason no search ran.</summary>
    internal sealed record AutoConservative(string Summary, ConservativeChoice? Choice);

    // --conservative auto: cross-validates the standard settings on the few training examples, or says why it did not.
    private static (ConservativeOptions, AutoConservative) ChooseConservative(Settings s, FineTuningOptions options, StagedModel source,
        IBatchSource train, CancellationToken cancellation)
    {
        var none = new ConservativeOptions();
        if (options.Transfer.Mode == CopiedStageMode.Frozen || options.Transfer.Copy.Kind == StageSelectionKind.None)
            return (none, new("no copied stage is fine-tuned, so there is nothing to choose", null));
        if (train is not Dataset examples) return (none, new("streamed training data: plain fine-tuning", null));
        var counts = examples.ClassCounts();
        if (counts.Max() > Settings.AutoSearchLimit)
            return (none, new($"more than {Settings.AutoSearchLimit} training examples in a class: plain fine-tuning", null));
        if (counts.Min() < 2) return (none, new("a class has a single training example, too few to cross-validate: plain fine-tuning", null));
        // A head-less source (ML.NET's ResNet-18) cannot keep its outputs; a --copied-lr-scale given is kept, not searched.
        var candidates = ConservativeCandidate.Standard
            .Where(c => c.Conservative.DistillationWeight == 0 || SourceModel.ClassNames(s.Source!) is not null)
            .Where(c => !s.WasGiven(nameof(Settings.CopiedLearningRateScale)) || c.CopiedLearningRateScale == 1.0)
            .Select(c => s.WasGiven(nameof(Settings.CopiedLearningRateScale)) ? c with { CopiedLearningRateScale = s.CopiedLearningRateScale } : c)
            .ToArray();
        var choice = ProgressBar.Run("choosing the fine-tuning setting", progress => ConservativeSearch.Choose(source, examples, options,
            new ConservativeSearchOptions { Candidates = candidates }, validation: null, progress, cancellation));
        Tables.ConservativeScores(choice);
        var best = choice.Scores.First(x => x.Candidate == choice.Chosen);
        return (choice.Chosen.Conservative, new($"{choice.Chosen.Name}: held-out loss {best.Loss:0.000}, accuracy {best.Accuracy:P1}, by {choice.Protocol}", choice));
    }
}
