using TransferSharp.Cli.Evidence;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer multitask</c>: one shared trunk, one head per task, trained together; every task evaluated on its own.</summary>
internal sealed class MultiTaskCommand : Command<MultiTaskCommand.Settings>
{
    internal sealed class Settings : SplitSettings
    {
        protected override bool CountsSteps => true;
        protected override TrainerOptions LibraryDefaults => new MultiTaskOptions();
        [CommandOption("-t|--task <TASK>")]
        [Description("A task: NAME|PATH[[:classes]][[@key=value,...]], given once per task. Options after '@': name=NAME, " +
                     "labels=parity|coarse (a derived label set), shots=K (K labelled training examples per class), " +
                     "weight=W (fixed loss weight), sample=W (sampling weight). E.g. mnist:0-4@shots=10,weight=2.")]
        public string[] Tasks { get; init; } = [];

        [CommandOption("--shared <first:N>")]
        [Description("Shared trunk: first:N stages or first:STAGE. Default: every stage but the head.")]
        public string? Shared { get; init; }

        [CommandOption("--own-input <first:N>")]
        [Description("Give every task its own first stages (first:N or first:STAGE), shared from there up to --shared: tasks whose examples differ in shape (e.g. 28x28 and 8x8 digits, no --resize) each get their own lower layers and share the upper ones. Default: none (one input shape for all tasks).")]
        public string? OwnInput { get; init; }

        [CommandOption("--sampling <MODE>")]
        [Description("round-robin (default), proportional (to task size), weighted (by sample=W) or all (every task every step).")]
        public string Sampling { get; init; } = "round-robin";

        [CommandOption("--weighting <MODE>")]
        [Description("fixed (default: weight=W per task) or uncertainty (learnt, Kendall et al. 2018).")]
        public string Weighting { get; init; } = "fixed";


        [CommandOption("--baseline <none|alone>")]
        [Description("alone: also train every task alone (the same network and schedule, only its head) and report the gain of multitask learning (gain_over_alone in metrics.json). Default none.")]
        public string Baseline { get; init; } = "none";

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Tasks.Length == 0) return ValidationResult.Error("--task is required (once per task)");
            if (ParseSampling(Sampling) is null) return ValidationResult.Error($"--sampling '{Sampling}' is unknown (choose round-robin, proportional, weighted, all)");
            if (OptionValues.ParseEnum<LossWeighting>(Weighting) is null) return ValidationResult.Error($"--weighting '{Weighting}' is unknown (choose fixed, uncertainty)");
            if (Baseline is not ("none" or "alone")) return ValidationResult.Error($"--baseline must be none or alone, got '{Baseline}'");
            return OptionNames.Check(this, ToOptions().Validate());
        }

        public MultiTaskOptions ToOptions() => ApplyTo(new MultiTaskOptions()) with
        {
            StepsPerEpoch = StepsPerEpoch ?? 0,
            Sampling = ParseSampling(Sampling) ?? TaskSampling.RoundRobin,
            Weighting = OptionValues.ParseEnum<LossWeighting>(Weighting) ?? LossWeighting.Fixed,
        };

        private static TaskSampling? ParseSampling(string s) => s == "all" ? TaskSampling.AllTasks : OptionValues.ParseEnum<TaskSampling>(s);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Run(settings, token));

    private static int Run(Settings s, CancellationToken cancellation)
    {
        var options = s.ToOptions();
        var sources = s.Tasks.Select(TaskArgument.Parse).ToArray();
        int threads = Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        using var split = Split(s, sources);
        var stageNames = MultiTaskSpec.StageNames(s.Model, split.Tasks[0].Train.ExampleShape);
        var experiment = new MultiTaskExperiment(new MultiTaskExperimentOptions
        {
            Architecture = s.Model,
            SharedStages = MultiTaskSpec.ParseShared(s.Shared, stageNames),
            InputStages = s.OwnInput is null ? 0 : MultiTaskSpec.ParseShared(s.OwnInput, stageNames, "--own-input"),
            Training = options,
            Alone = s.Baseline == "alone" ? sources.Select(a => a.Name).ToArray() : [],
        }, split.Tasks);

        // Inputs are good: only now does the run leave a folder.
        var run = RunFolder.Create(s.Runs, "multitask");
        run.WriteJson(run.Settings, new { tasks = s.Tasks, model = s.Model, own_input = experiment.InputStageNames, shared = experiment.SharedStageNames, s.Size, s.Resize, s.Channels,
            s.TestFraction, s.ValidationFraction, s.Baseline, options });
        var own = experiment.InputStageNames.Count > 0 ? $"own input stages {string.Join(", ", experiment.InputStageNames)}; " : "";
        AnsiConsole.MarkupLine($"[bold]multitask[/] {sources.Length} tasks on one {Markup.Escape(s.Model)} trunk ({Markup.Escape(own + string.Join(", ", experiment.SharedStageNames))}; " +
                               $"per task: {Markup.Escape(string.Join(", ", experiment.TaskStageNames))}), sampling {s.Sampling}, {s.Weighting} weights, " +
                               $"{threads} threads, seed {options.Seed}; run folder {Markup.Escape(run.Path)}");
        foreach (var p in split.Tasks)
            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(p.Source.Name)}:[/] {Markup.Escape(p.Train.ToString())} -> train {p.Train.Count}, " +
                                   $"validation {p.Validation?.Count ?? 0}, test {p.Test.Count}");

        using var outcome = ProgressBar.Run($"{sources.Length} tasks on {s.Model}", progress => experiment.Run(progress, cancellation));
        var (report, model) = (outcome.Report, outcome.Model);
        var tasks = split.Tasks.Zip(report.Tasks, (d, t) => (Data: d, Report: t)).ToArray();
        MultiTaskCheckpoint.Save(run.Checkpoint, model, new MultiTaskInfo
        {
            Architecture = outcome.Spec.Architecture,
            SharedStages = outcome.Spec.SharedStages,
            InputStages = outcome.Spec.InputStages,
            SharedStageNames = model.SharedStageNames,
            Tasks = tasks.Select(t => new TaskInfo { Name = t.Report.Name, ClassNames = t.Report.ClassNames.ToArray(), InputShape = t.Data.Train.ExampleShape, Data = t.Data.Provenance }).ToArray(),
            Options = options,
            Epoch = report.Epochs.Count,
            History = report.Tasks.ToDictionary(t => t.Name, t => t.History),
            Metrics = report.Tasks.SelectMany(t => new[] { ($"{t.Name}/test_accuracy", t.TestAccuracy), ($"{t.Name}/test_loss", t.TestLoss) }).ToDictionary(),
        });
        foreach (var (data, t) in tasks)
        {
            using var single = model.ExportTask(t.Name);
            Checkpoint.Save(Path.Combine(run.Path, "tasks", $"{t.Name}.pt"), single, new CheckpointInfo
            {
                Architecture = outcome.Spec.Architecture,
                InputShape = data.Train.ExampleShape,
                ClassNames = t.ClassNames.ToArray(),
                Data = data.Provenance,
                Epoch = report.Epochs.Count,
                History = t.History,
                Metrics = new Dictionary<string, double> { ["test_accuracy"] = t.TestAccuracy, ["test_loss"] = t.TestLoss },
            });
            LearningCurvePlot.Save(Path.Combine(run.Path, $"learning-curve-{t.Name}.png"), t.History, $"task {t.Name} ({s.Model}, {sources.Length} tasks)");
        }
        MetricsJson.Write(run, "transfersharp.multitask/2", new { command = "multitask", task_values = s.Tasks,
            task_data = split.Tasks.Select(t => t.Provenance), seed = options.Seed, threads, device = s.DeviceName, options }, report);

        MultiTaskTables.Write(report, options.Weighting == LossWeighting.Uncertainty);
        Tables.KeyValues("result",
        [
            ("training speed", $"{report.Epochs.Average(e => e.ExamplesPerSecond):N0} images/s on {threads} threads"),
            ("single-task models", $"{Path.Combine(run.Path, "tasks")} (usable with transfer predict / evaluate)"),
            ("run folder", run.Path),
        ]);
        return 0;
    }

    /// <summary>The library's no-leak split (<see cref="MultiTaskSplit"/>), its errors naming the --task value.</summary>
    private static MultiTaskSplit Split(Settings s, IReadOnlyList<TaskSource> sources)
    {
        try
        {
            return MultiTaskSplit.Create(sources, new DataOptions { ImageSize = s.Size, Rgb = s.Channels != 1, Resize = s.Resize, Channels = s.Channels }, s.TestFraction, s.ValidationFraction, s.Seed);
        }
        catch (TaskDataException e)
        {
            throw new ArgumentException($"--task '{s.Tasks[e.Index]}': {e.InnerException!.Message}", e);
        }
    }
}
