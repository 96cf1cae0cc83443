using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
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
    internal sealed class Settings : TrainerSettings
    {
        [CommandOption("-s|--source <CHECKPOINT>")]
        [Description("The source model: a model.pt written by transfer train (its model.json must sit next to it), resnet18-imagenet (ML.NET's ImageNet ResNet-18; target images get its preprocessing), or a PyTorch state dict (see --source-model).")]
        public string? Source { get; init; }

        [CommandOption("--source-model <MODEL>")]
        [Description("Architecture of a PyTorch --source (.safetensors, or .pt/.pth/.bin/.ckpt with --allow-pickle), by torchvision names. Default resnet18.")]
        public string SourceModel { get; init; } = "resnet18";

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
        public double CopiedLearningRateScale { get; init; } = 1.0;

        [CommandOption("--conservative <TERMS>")]
        [Description("Conservative training: l2sp=A,l2sp-beta=B (L2-SP), distill=L,temperature=T (Learning without Forgetting). Default none.")]
        public string Conservative { get; init; } = "none";

        [CommandOption("--shots <K>")]
        [Description("Train on only K labelled examples per target class (drawn from the training part).")]
        public int? Shots { get; init; }

        [CommandOption("--patience <N>")]
        [Description("Stop after N epochs without a better validation accuracy (0 = off, default).")]
        public int Patience { get; init; }

        [CommandOption("--test-fraction <F>")]
        [Description("Fraction of every target class held out for the final test. Default 0.2.")]
        public double TestFraction { get; init; } = 0.2;

        [CommandOption("--validation-fraction <F>")]
        [Description("Fraction of the rest used for per-epoch validation (before --shots are drawn). Default 0.1.")]
        public double ValidationFraction { get; init; } = 0.1;

        [CommandOption("--baseline <none|scratch>")]
        [Description("scratch: also train the source's architecture from scratch on the same split, shots and schedule, and report the gain over it (gain_over_scratch in metrics.json); doubles the training time. Default none.")]
        public string Baseline { get; init; } = "none";

        [CommandOption("--stream")]
        [Description("Stream an image folder (--target PATH) from disk: background threads decode and resize the next batches; memory stays bounded. Validation and test parts are streamed too.")]
        public bool Stream { get; init; }

        [CommandOption("--decode-threads <N>")]
        [Description("With --stream: image decode threads. Default half the cores (1 to 8).")]
        public int? DecodeThreads { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (string.IsNullOrWhiteSpace(Source)) return ValidationResult.Error("--source is required");
            if (string.IsNullOrWhiteSpace(Target)) return ValidationResult.Error("--target is required");
            if (!ModelZoo.Architectures.Contains(SourceModel))
                return ValidationResult.Error($"--source-model '{SourceModel}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})");
            if (Baseline is not ("none" or "scratch")) return ValidationResult.Error($"--baseline must be none or scratch, got '{Baseline}'");
            if (Freeze && FineTune) return ValidationResult.Error("--freeze and --finetune exclude each other");
            if (Freeze && Copy.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)) return ValidationResult.Error("--copy none copies nothing for --freeze to keep fixed");
            if (Shots is < 1) return ValidationResult.Error($"--shots must be at least 1, got {Shots}");
            if (TestFraction is <= 0 or >= 1) return ValidationResult.Error($"--test-fraction must be in (0, 1), got {TestFraction}");
            if (ValidationFraction is < 0 or >= 1) return ValidationResult.Error($"--validation-fraction must be in [0, 1), got {ValidationFraction}");
            if (StreamChoice.Error(Stream, DecodeThreads, "--target", Target, Resize, Shots) is { } streamError) return ValidationResult.Error(streamError);
            try
            {
                var errors = ToOptions().Validate();
                return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join("; ", errors));
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);   // names --copy or --conservative
            }
        }

        public FineTuningOptions ToOptions()
        {
            StageSelection copy;
            try { copy = StageSelection.Parse(Copy); }
            catch (ArgumentException e) { throw new ArgumentException($"--copy {e.Message}"); }
            ConservativeOptions conservative;
            try { conservative = ConservativeOptions.Parse(Conservative); }
            catch (ArgumentException e) { throw new ArgumentException($"--conservative {e.Message}"); }
            return new FineTuningOptions
            {
                Training = ApplyTo(new TrainingOptions()) with { Patience = Patience },
                Transfer = new LayerTransferOptions
                {
                    Copy = copy,
                    Mode = Freeze ? CopiedStageMode.Frozen : CopiedStageMode.FineTuned,
                    CopiedLearningRateScale = CopiedLearningRateScale,
                },
                Conservative = conservative,
            };
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => FineTune(settings, token));

    private static int FineTune(Settings settings, CancellationToken cancellation)
    {
        var options = settings.ToOptions();
        int threads = Seeding.SetThreads(options.Training.Threads);
        Seeding.SeedEverything(options.Training.Seed);

        string sourceName = settings.Source!;
        if (SourceModel.IsImageNet(sourceName) && options.Conservative.DistillationWeight > 0)
            throw new ArgumentException($"--conservative distill needs a source with a trained head; --source {ImageNetResNet18.SourceName} has none (ML.NET ships only its features)");
        var dataSettings = new DataSettings { Data = settings.Target, Size = settings.Size, Resize = settings.Resize, Channels = settings.Channels };
        int seed = options.Training.Seed;
        using var data = settings.Stream
            ? TrainingParts.Streamed(settings.Target!, settings.Size, rgb: settings.Channels != 1, StreamChoice.Options(settings.DecodeThreads),
                settings.TestFraction, settings.ValidationFraction, seed, "--target", part => SourceModel.PrepareTarget(sourceName, part))
            : TrainingParts.InMemory(dataSettings, settings.TestFraction, settings.ValidationFraction, seed, "--target",
                all => SourceModel.PrepareTarget(sourceName, all), settings.Shots);
        var (train, validation, test) = (data.Train, data.Validation, data.Test);
        var (source, sourceInfo) = SourceModel.Load(sourceName, data.ExampleShape, settings.SourceModel, settings.AllowPickle);
        using var _source = source;
        SourceModel.CheckCompatible(source, data.ExampleShape, sourceName, settings.Target!);
        // Resolve the copy now, so that a bad --copy fails before any folder is created.
        IReadOnlyList<string> copied;
        try { copied = options.Transfer.Copy.Resolve(source, new ModelSpec(source.Spec.Architecture, data.ExampleShape, data.ClassNames.Count)); }
        catch (ArgumentException e) { throw new ArgumentException($"--copy {options.Transfer.Copy}: {e.Message}"); }
        var variant = new FineTuningVariant($"copy {options.Transfer.Copy} ({options.Transfer.Mode.ToString().ToLowerInvariant()})", options.Transfer, options.Conservative);
        var experiment = new FineTuningExperiment(new FineTuningExperimentOptions
        {
            Training = options.Training,
            Scratch = settings.Baseline == "scratch",
            Variants = [variant],
        });

        var run = RunFolder.Create(settings.Runs, "finetune");
        run.WriteJson(run.Settings, new { source = settings.Source, target = settings.Target, settings.Size, settings.Resize, settings.Channels,
            copy = options.Transfer.Copy.ToString(), mode = options.Transfer.Mode, copied_lr_scale = options.Transfer.CopiedLearningRateScale,
            conservative = options.Conservative.ToString(), settings.Shots, settings.TestFraction, settings.ValidationFraction, settings.Stream,
            settings.DecodeThreads, settings.Baseline, options = options.Training });

        AnsiConsole.MarkupLine($"[bold]finetune[/] {Markup.Escape(sourceInfo)} -> {Markup.Escape(data.Summary)}{(settings.Stream ? " (streamed)" : "")}; train {train.Count}" +
                               $"{(settings.Shots is { } s ? $" ({s} per class)" : "")}, validation {validation.Count}, test {test.Count}; " +
                               (copied.Count == 0 ? "copy nothing (from scratch), " : $"copy {Markup.Escape(string.Join(", ", copied))} ({options.Transfer.Mode.ToString().ToLowerInvariant()}), ") +
                               $"{threads} threads, seed {options.Training.Seed}; run folder {Markup.Escape(run.Path)}");
        using var outcome = ProgressBar.Run($"{source.Spec.Architecture} -> {settings.Target}",
            progress => experiment.Run(source, train, validation, test, progress, cancellation));
        var result = outcome.Report.Variants[0];
        var model = outcome.Models[0];
        var oldTask = outcome.OldTaskModels[0];

        var metrics = new Dictionary<string, double>
        {
            ["test_accuracy"] = result.TestAccuracy,
            ["test_loss"] = result.TestLoss,
            ["test_count"] = result.TestCount,
            ["train_count"] = train.Count,
            ["best_epoch"] = result.BestEpoch,
        };
        Checkpoint.Save(run.Checkpoint, model, new CheckpointInfo
        {
            Architecture = model.Spec.Architecture,
            InputShape = model.Spec.InputShape,
            ClassNames = data.ClassNames.ToArray(),
            Data = $"{settings.Target} ({data.Provenance}); fine-tuned from {settings.Source}",
            Preprocessing = SourceModel.Preprocessing(sourceName),
            Options = options.Training,
            Epoch = result.History.Count,
            History = result.History,
            Metrics = metrics,
        });
        if (oldTask is not null && SourceModel.ClassNames(sourceName) is { } sourceClasses)
            Checkpoint.Save(Path.Combine(run.Path, "old-task.pt"), oldTask, new CheckpointInfo
            {
                Architecture = oldTask.Spec.Architecture,
                InputShape = oldTask.Spec.InputShape,
                ClassNames = sourceClasses,
                Preprocessing = SourceModel.Preprocessing(sourceName),
                Data = $"source task of {settings.Source}, features fine-tuned on {settings.Target} with Learning without Forgetting",
            });
        var scratch = outcome.Report.Scratch;
        run.WriteJson(run.Metrics, new FinetuneMetrics(settings.Source!, settings.Target!, data.Provenance, settings.Stream, model.Spec.Architecture,
            result.CopiedStages, result.NewStages, result.Mode, result.Conservative, settings.Shots, options.Training.Seed, threads, Machine.Current,
            options.Training, new SplitCounts(train.Count, validation.Count, test.Count), metrics,
            data.ClassNames.Zip(result.PerClassTestAccuracy).ToDictionary(p => p.First, p => p.Second), result.History, scratch, result.GainOverScratch));
        run.SaveLearningCurve(result.History, $"{model.Spec.Architecture} fine-tuned on {settings.Target}");

        Tables.History(result.History);
        Tables.KeyValues("result",
        [
            ("source", sourceInfo),
            ("copied stages", result.CopiedStages.Count == 0 ? "none (trained from scratch)"
                : $"{string.Join(", ", result.CopiedStages)} ({options.Transfer.Mode.ToString().ToLowerInvariant()})"),
            ("new stages", string.Join(", ", result.NewStages)),
            ("conservative", options.Conservative.ToString()),
            ("training examples", settings.Shots is { } shots ? $"{train.Count} ({shots} per class)" : $"{train.Count}"),
            ("test accuracy", $"{result.TestAccuracy:P2} ({result.TestCount} held-out examples)"),
            .. (scratch is null ? Array.Empty<(string, string)>()
                : [("from scratch", $"{scratch.TestAccuracy:P2}"), ("gain over scratch", $"{result.GainOverScratch * 100:+0.00;-0.00} points")]),
            ("test loss", $"{result.TestLoss:0.0000}"),
            ("run folder", run.Path),
        ]);
        return 0;
    }
}
