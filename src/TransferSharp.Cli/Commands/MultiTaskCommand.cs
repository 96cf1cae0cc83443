using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli.Evidence;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.MultiTask;
using TransferSharp.Reporting;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer multitask</c>: one shared trunk, one head per task, trained together; every task evaluated on its own.</summary>
internal sealed class MultiTaskCommand : Command<MultiTaskCommand.Settings>
{
    internal sealed class Settings : ModelSettings
    {
        [CommandOption("-t|--task <TASK>")]
        [Description("A task: NAME|PATH[[:classes]][[@key=value,...]], given once per task. Options after '@': name=NAME, " +
                     "labels=parity|coarse (a derived label set), shots=K (K labelled training examples per class), " +
                     "weight=W (fixed loss weight), sample=W (sampling weight). E.g. mnist:0-4@shots=10,weight=2.")]
        public string[] Tasks { get; init; } = [];

        [CommandOption("--shared <first:N>")]
        [Description("Shared trunk: first:N stages or first:STAGE. Default: every stage but the head.")]
        public string? Shared { get; init; }

        [CommandOption("--sampling <MODE>")]
        [Description("round-robin (default), proportional (to task size), weighted (by sample=W) or all (every task every step).")]
        public string Sampling { get; init; } = "round-robin";

        [CommandOption("--weighting <MODE>")]
        [Description("fixed (default: weight=W per task) or uncertainty (learnt, Kendall et al. 2018).")]
        public string Weighting { get; init; } = "fixed";

        [CommandOption("--steps-per-epoch <N>")]
        [Description("Steps per epoch; 0 (default) = one pass over every task's batches (the largest task's with --sampling all).")]
        public int StepsPerEpoch { get; init; }

        [CommandOption("--test-fraction <F>")]
        [Description("Fraction of every class of every source held out for the final test. Default 0.2.")]
        public double TestFraction { get; init; } = 0.2;

        [CommandOption("--validation-fraction <F>")]
        [Description("Fraction of the rest used for per-epoch validation (before shots=K is taken). Default 0.1.")]
        public double ValidationFraction { get; init; } = 0.1;

        [CommandOption("--baseline <none|alone>")]
        [Description("alone: also train every task alone (the same network and schedule, only its head) and report the gain of multitask learning (gain_over_alone in metrics.json). Default none.")]
        public string Baseline { get; init; } = "none";

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Tasks.Length == 0) return ValidationResult.Error("--task is required (once per task)");
            if (ParseSampling(Sampling) is null) return ValidationResult.Error($"--sampling '{Sampling}' is unknown (choose round-robin, proportional, weighted, all)");
            if (ParseWeighting(Weighting) is null) return ValidationResult.Error($"--weighting '{Weighting}' is unknown (choose fixed, uncertainty)");
            if (TestFraction is <= 0 or >= 1) return ValidationResult.Error($"--test-fraction must be in (0, 1), got {TestFraction}");
            if (ValidationFraction is < 0 or >= 1) return ValidationResult.Error($"--validation-fraction must be in [0, 1), got {ValidationFraction}");
            if (Baseline is not ("none" or "alone")) return ValidationResult.Error($"--baseline must be none or alone, got '{Baseline}'");
            var errors = ToOptions().Validate();
            return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join("; ", errors));
        }

        public MultiTaskOptions ToOptions()
        {
            var d = new MultiTaskOptions();
            var optimizer = GivenOptimizer ?? d.Optimizer;
            return d with
            {
                Epochs = Epochs ?? d.Epochs,
                BatchSize = BatchSize ?? d.BatchSize,
                StepsPerEpoch = StepsPerEpoch,
                Optimizer = optimizer,
                LearningRate = LearningRateFor(optimizer) ?? d.LearningRate,
                Momentum = Momentum ?? d.Momentum,
                Schedule = GivenSchedule ?? d.Schedule,
                WeightDecay = WeightDecay ?? d.WeightDecay,
                Sampling = ParseSampling(Sampling) ?? TaskSampling.RoundRobin,
                Weighting = ParseWeighting(Weighting) ?? LossWeighting.Fixed,
                Seed = Seed,
                Threads = Threads,
            };
        }

        internal static TaskSampling? ParseSampling(string s) =>
            s == "all" ? TaskSampling.AllTasks : OptionValues.ParseEnum<TaskSampling>(s);

        internal static LossWeighting? ParseWeighting(string s) => OptionValues.ParseEnum<LossWeighting>(s);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Run(settings, token));

    private static int Run(Settings settings, CancellationToken cancellation)
    {
        var options = settings.ToOptions();
        var sources = settings.Tasks.Select(TaskArgument.Parse).ToArray();
        foreach (var dup in sources.Select((a, i) => (a.Name, Text: settings.Tasks[i])).GroupBy(a => a.Name).Where(g => g.Count() > 1))
            throw new ArgumentException($"--task: {dup.Count()} tasks are named '{dup.Key}' ({string.Join(", ", dup.Select(a => a.Text))}); name them apart with @name=...");

        int threads = Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        using var split = Split(settings, sources);
        var shape = split.Tasks[0].Train.ExampleShape;
        var stageNames = MultiTaskSpec.StageNames(settings.Model, shape);
        var experiment = new MultiTaskExperiment(new MultiTaskExperimentOptions
        {
            Architecture = settings.Model,
            SharedStages = MultiTaskSpec.ParseShared(settings.Shared, stageNames),
            Training = options,
            Alone = settings.Baseline == "alone" ? sources.Select(a => a.Name).ToArray() : [],
        }, split.Tasks);

        // Inputs are good: only now does the run leave a folder.
        var run = RunFolder.Create(settings.Runs, "multitask");
        run.WriteJson(run.Settings, new
        {
            tasks = settings.Tasks,
            model = settings.Model,
            shared = experiment.SharedStageNames,
            settings.Size,
            settings.Resize,
            settings.Channels,
            settings.TestFraction,
            settings.ValidationFraction,
            settings.Baseline,
            options,
        });
        AnsiConsole.MarkupLine($"[bold]multitask[/] {sources.Length} tasks on one {Markup.Escape(settings.Model)} trunk " +
                               $"({Markup.Escape(string.Join(", ", experiment.SharedStageNames))}; per task: {Markup.Escape(string.Join(", ", experiment.TaskStageNames))}), " +
                               $"{FormatSampling(options.Sampling)}, {options.Weighting.ToString().ToLowerInvariant()} weights, {threads} threads, seed {options.Seed}; " +
                               $"run folder {Markup.Escape(run.Path)}");
        foreach (var p in split.Tasks)
            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(p.Source.Name)}:[/] {Markup.Escape(p.Train.ToString())} -> train {p.Train.Count}, " +
                                   $"validation {p.Validation?.Count ?? 0}, test {p.Test.Count}");

        using var outcome = ProgressBar.Run($"{sources.Length} tasks on {settings.Model}", progress => experiment.Run(progress, cancellation));
        var (report, model, spec) = (outcome.Report, outcome.Model, outcome.Spec);
        var metrics = MultiTaskMetrics.From(report, split, settings.Tasks, options.Seed, threads, options);
        var taskInfos = split.Tasks.Select(p => new TaskInfo
        {
            Name = p.Source.Name,
            ClassNames = p.Train.ClassNames.ToArray(),
            InputShape = p.Train.ExampleShape,
            Data = p.Provenance,
        }).ToArray();
        var history = report.Tasks.ToDictionary(t => t.Name, t => t.History);
        MultiTaskCheckpoint.Save(run.Checkpoint, model, new MultiTaskInfo
        {
            Architecture = spec.Architecture,
            SharedStages = spec.SharedStages,
            SharedStageNames = model.SharedStageNames,
            Tasks = taskInfos,
            Options = options,
            Epoch = report.Epochs.Count,
            History = history,
            Metrics = metrics.Metrics.ToDictionary(),
        });
        var taskFolder = Path.Combine(run.Path, "tasks");
        foreach (var (info, t) in taskInfos.Zip(report.Tasks))
        {
            using var single = model.ExportTask(info.Name);
            Checkpoint.Save(Path.Combine(taskFolder, $"{info.Name}.pt"), single, new CheckpointInfo
            {
                Architecture = spec.Architecture,
                InputShape = info.InputShape,
                ClassNames = info.ClassNames,
                Data = info.Data,
                Epoch = report.Epochs.Count,
                History = t.History,
                Metrics = new Dictionary<string, double> { ["test_accuracy"] = t.TestAccuracy, ["test_loss"] = t.TestLoss },
            });
            LearningCurvePlot.Save(Path.Combine(run.Path, $"learning-curve-{info.Name}.png"),
                t.History.Select(h => new EpochRecord(h.Epoch, h.TrainLoss, h.TrainAccuracy, h.ValidationLoss, h.ValidationAccuracy)).ToArray(),
                $"task {info.Name} ({settings.Model}, {sources.Length} tasks)");
        }
        run.WriteJson(run.Metrics, metrics);

        EpochTable(report, options.Weighting == LossWeighting.Uncertainty);
        bool alone = report.Tasks.Any(t => t.AloneTestAccuracy is not null);
        var table = new Table().Title("tasks").AddColumns(["task", "classes", "train", "test", "test accuracy", .. alone ? new[] { "alone", "gain" } : [], "test loss", "loss weight", "steps"]);
        foreach (var t in report.Tasks)
            table.AddRow([Markup.Escape(t.Name), $"{t.ClassNames.Count}", $"{t.TrainCount:N0}", $"{t.TestCount:N0}", $"{t.TestAccuracy:P2}",
                .. alone ? new[] { $"{t.AloneTestAccuracy:P2}", $"{t.GainOverAlone * 100:+0.00;-0.00}" } : [],
                $"{t.TestLoss:0.0000}", $"{t.FinalLossWeight:0.###}", $"{t.Steps:N0}"]);
        AnsiConsole.Write(table);
        Tables.KeyValues("result",
        [
            ("training speed", $"{report.Epochs.Average(e => e.ExamplesPerSecond):N0} images/s on {threads} threads"),
            ("single-task models", $"{Path.Combine(run.Path, "tasks")} (usable with transfer predict / evaluate)"),
            ("run folder", run.Path),
        ]);
        return 0;
    }

    /// <summary>The library's no-leak split (<see cref="MultiTaskSplit"/>), its errors naming the --task value.</summary>
    internal static MultiTaskSplit Split(Settings settings, IReadOnlyList<TaskSource> sources)
    {
        var data = new DataOptions { ImageSize = settings.Size, Rgb = settings.Channels != 1, Resize = settings.Resize, Channels = settings.Channels };
        try
        {
            return MultiTaskSplit.Create(sources, data, settings.TestFraction, settings.ValidationFraction, settings.Seed);
        }
        catch (TaskDataException e)
        {
            throw new ArgumentException($"--task '{settings.Tasks[e.Index]}': {e.InnerException!.Message}", e);
        }
    }

    private static string FormatSampling(TaskSampling s) => s switch
    {
        TaskSampling.RoundRobin => "round-robin sampling",
        TaskSampling.Proportional => "sampling proportional to size",
        TaskSampling.Weighted => "weighted sampling",
        _ => "every task every step",
    };

    private static void EpochTable(MultiTaskReport report, bool learnt)
    {
        var t = new Table().Title("validation accuracy per epoch").AddColumn("epoch");
        foreach (var task in report.Tasks) t.AddColumn(Markup.Escape(learnt ? $"{task.Name} (weight)" : task.Name));
        t.AddColumn("s");
        foreach (var e in report.Epochs)
        {
            var cells = new List<string> { $"{e.Epoch}" };
            foreach (var task in report.Tasks)
            {
                var h = task.History[e.Epoch - 1];
                string acc = h.ValidationAccuracy is { } a ? $"{a:P2}" : $"train {h.TrainAccuracy:P1}";
                cells.Add(learnt ? $"{acc} ({e.LossWeights[task.Name]:0.###})" : acc);
            }
            cells.Add($"{e.Seconds:0.0}");
            t.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(t);
    }
}
