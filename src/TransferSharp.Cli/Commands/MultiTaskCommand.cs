using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.Evaluation;
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

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Tasks.Length == 0) return ValidationResult.Error("--task is required (once per task)");
            if (ParseSampling(Sampling) is null) return ValidationResult.Error($"--sampling '{Sampling}' is unknown (choose round-robin, proportional, weighted, all)");
            if (ParseWeighting(Weighting) is null) return ValidationResult.Error($"--weighting '{Weighting}' is unknown (choose fixed, uncertainty)");
            if (TestFraction is <= 0 or >= 1) return ValidationResult.Error($"--test-fraction must be in (0, 1), got {TestFraction}");
            if (ValidationFraction is < 0 or >= 1) return ValidationResult.Error($"--validation-fraction must be in [0, 1), got {ValidationFraction}");
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

    /// <summary>One task's data after splitting, relabelling and taking shots.</summary>
    internal sealed record PreparedTask(TaskArgument Argument, Dataset Train, Dataset? Validation, Dataset Test, string Provenance);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token =>
        {
            var owned = new List<Dataset>();
            try
            {
                return Run(settings, owned, token);
            }
            finally
            {
                foreach (var d in owned) d.Dispose();
            }
        });

    private static int Run(Settings settings, List<Dataset> owned, CancellationToken cancellation)
    {
        var options = settings.ToOptions();
        var arguments = settings.Tasks.Select(TaskArgument.Parse).ToArray();
        foreach (var dup in arguments.GroupBy(a => a.Name).Where(g => g.Count() > 1))
            throw new ArgumentException($"--task: {dup.Count()} tasks are named '{dup.Key}' ({string.Join(", ", dup.Select(a => a.Text))}); name them apart with @name=...");

        int threads = Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        var prepared = Prepare(settings, arguments, owned);
        var tasks = prepared.Select(p => new TaskSpec(p.Argument.Name, p.Train, p.Validation)
        {
            LossWeight = p.Argument.Weight,
            SamplingWeight = p.Argument.Sample,
        }).ToArray();

        var shape = tasks[0].Train.ExampleShape;
        var stageNames = MultiTaskSpec.StageNames(settings.Model, shape);
        int shared = MultiTaskSpec.ParseShared(settings.Shared, stageNames);
        var spec = new MultiTaskSpec(settings.Model, shape, shared, tasks.Select(t => new TaskHeadSpec(t.Name, t.Train.ClassCount)).ToArray());
        Seeding.SeedEverything(options.Seed);
        using var model = MultiTaskModel.Create(spec);
        MultiTaskTrainer.Check(model, tasks);

        // Inputs are good: only now does the run leave a folder.
        var run = RunFolder.Create(settings.Runs, "multitask");
        run.WriteJson(run.Settings, new
        {
            tasks = settings.Tasks,
            model = settings.Model,
            shared = stageNames.Take(shared).ToArray(),
            settings.Size,
            settings.Resize,
            settings.Channels,
            settings.TestFraction,
            settings.ValidationFraction,
            options,
        });
        AnsiConsole.MarkupLine($"[bold]multitask[/] {tasks.Length} tasks on one {Markup.Escape(settings.Model)} trunk " +
                               $"({Markup.Escape(string.Join(", ", stageNames.Take(shared)))}; per task: {Markup.Escape(string.Join(", ", stageNames.Skip(shared)))}), " +
                               $"{FormatSampling(options.Sampling)}, {options.Weighting.ToString().ToLowerInvariant()} weights, {threads} threads, seed {options.Seed}; " +
                               $"run folder {Markup.Escape(run.Path)}");
        foreach (var p in prepared)
            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(p.Argument.Name)}:[/] {Markup.Escape(p.Train.ToString())} -> train {p.Train.Count}, " +
                                   $"validation {p.Validation?.Count ?? 0}, test {p.Test.Count}");

        var trainer = new MultiTaskTrainer(options);
        var result = TrainingProgressBar.Run($"{tasks.Length} tasks on {settings.Model}", progress => trainer.Fit(model, tasks, progress, cancellation));

        var scores = prepared.ToDictionary(p => p.Argument.Name, p => Metrics.Evaluate(model.TaskPath(p.Argument.Name), p.Test));
        var metrics = new Dictionary<string, double>();
        foreach (var (name, s) in scores)
        {
            metrics[$"{name}/test_accuracy"] = s.Accuracy;
            metrics[$"{name}/test_loss"] = s.Loss;
            metrics[$"{name}/test_count"] = s.Count;
        }
        var taskInfos = prepared.Select(p => new TaskInfo
        {
            Name = p.Argument.Name,
            ClassNames = p.Train.ClassNames.ToArray(),
            InputShape = p.Train.ExampleShape,
            Data = p.Provenance,
        }).ToArray();
        MultiTaskCheckpoint.Save(run.Checkpoint, model, new MultiTaskInfo
        {
            Architecture = spec.Architecture,
            SharedStages = spec.SharedStages,
            SharedStageNames = model.SharedStageNames,
            Tasks = taskInfos,
            Options = options,
            Epoch = result.Epochs.Count,
            History = result.History,
            Metrics = metrics,
        });
        var taskFolder = Path.Combine(run.Path, "tasks");
        foreach (var info in taskInfos)
        {
            using var single = model.ExportTask(info.Name);
            Checkpoint.Save(Path.Combine(taskFolder, $"{info.Name}.pt"), single, new CheckpointInfo
            {
                Architecture = spec.Architecture,
                InputShape = info.InputShape,
                ClassNames = info.ClassNames,
                Data = info.Data,
                Epoch = result.Epochs.Count,
                History = result.History[info.Name],
                Metrics = new Dictionary<string, double> { ["test_accuracy"] = scores[info.Name].Accuracy, ["test_loss"] = scores[info.Name].Loss },
            });
            LearningCurvePlot.Save(Path.Combine(run.Path, $"learning-curve-{info.Name}.png"),
                result.History[info.Name].Select(h => new EpochRecord(h.Epoch, h.TrainLoss, h.TrainAccuracy, h.ValidationLoss, h.ValidationAccuracy)).ToArray(),
                $"task {info.Name} ({settings.Model}, {tasks.Length} tasks)");
        }
        var totalSteps = tasks.ToDictionary(t => t.Name, t => result.Epochs.Sum(e => e.Steps[t.Name]));
        run.WriteJson(run.Metrics, new
        {
            command = "multitask",
            model = settings.Model,
            shared = model.SharedStageNames,
            seed = options.Seed,
            threads,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            options,
            tasks = prepared.Select(p => new
            {
                name = p.Argument.Name,
                spec = p.Argument.Text,
                data = p.Provenance,
                classes = p.Train.ClassNames,
                split = new { train = p.Train.Count, validation = p.Validation?.Count ?? 0, test = p.Test.Count },
                test_accuracy = scores[p.Argument.Name].Accuracy,
                test_loss = scores[p.Argument.Name].Loss,
                per_class_test_accuracy = p.Train.ClassNames.Zip(scores[p.Argument.Name].PerClassAccuracy()).ToDictionary(x => x.First, x => x.Second),
                steps = totalSteps[p.Argument.Name],
                final_loss_weight = result.Epochs[^1].LossWeights[p.Argument.Name],
                history = result.History[p.Argument.Name],
            }),
            epochs = result.Epochs,
            metrics,
        });

        EpochTable(result, tasks.Select(t => t.Name).ToArray(), options.Weighting == LossWeighting.Uncertainty);
        var table = new Table().Title("tasks").AddColumns("task", "classes", "train", "test", "test accuracy", "test loss", "loss weight", "steps");
        foreach (var p in prepared)
        {
            var s = scores[p.Argument.Name];
            table.AddRow(Markup.Escape(p.Argument.Name), $"{p.Train.ClassCount}", $"{p.Train.Count:N0}", $"{s.Count:N0}", $"{s.Accuracy:P2}",
                $"{s.Loss:0.0000}", $"{result.Epochs[^1].LossWeights[p.Argument.Name]:0.###}", $"{totalSteps[p.Argument.Name]:N0}");
        }
        AnsiConsole.Write(table);
        Tables.KeyValues("result",
        [
            ("training speed", $"{result.Epochs.Average(e => e.ExamplesPerSecond):N0} images/s on {threads} threads"),
            ("single-task models", $"{Path.Combine(run.Path, "tasks")} (usable with transfer predict / evaluate)"),
            ("run folder", run.Path),
        ]);
        return 0;
    }

    private static string FormatSampling(TaskSampling s) => s switch
    {
        TaskSampling.RoundRobin => "round-robin sampling",
        TaskSampling.Proportional => "sampling proportional to size",
        TaskSampling.Weighted => "weighted sampling",
        _ => "every task every step",
    };

    private static void EpochTable(MultiTaskResult result, string[] names, bool learnt)
    {
        var t = new Table().Title("validation accuracy per epoch").AddColumn("epoch");
        foreach (var n in names) t.AddColumn(Markup.Escape(learnt ? $"{n} (weight)" : n));
        t.AddColumn("s");
        foreach (var e in result.Epochs)
        {
            var cells = new List<string> { $"{e.Epoch}" };
            foreach (var n in names)
            {
                var h = result.History[n][e.Epoch - 1];
                string acc = h.ValidationAccuracy is { } a ? $"{a:P2}" : $"train {h.TrainAccuracy:P1}";
                cells.Add(learnt ? $"{acc} ({e.LossWeights[n]:0.###})" : acc);
            }
            cells.Add($"{e.Seconds:0.0}");
            t.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(t);
    }

    /// <summary>
    /// Loads every source once and splits it by its own labels, before any class filter: tasks over the same source
    /// (<c>mnist</c> and <c>mnist:5-9</c>, say) share one split, so no task trains the shared trunk on another task's
    /// test images. Then each task's class filter and label set are applied to the parts and its shots taken from
    /// the training part.
    /// </summary>
    internal static List<PreparedTask> Prepare(Settings settings, IReadOnlyList<TaskArgument> arguments, List<Dataset> owned)
    {
        var splits = new Dictionary<string, (Dataset Train, Dataset? Validation, Dataset Test)>(StringComparer.Ordinal);
        var prepared = new List<PreparedTask>();
        foreach (var a in arguments)
        {
            try
            {
                var (source, filter) = Catalog.ParseSpec(a.Source);
                if (!splits.TryGetValue(source, out var split))
                {
                    var all = Own(owned, Load(settings, source));
                    if (!all.HasLabels) throw new ArgumentException("the dataset has no labels to train on");
                    var (rest, test) = all.StratifiedSplit(settings.TestFraction, settings.Seed);
                    Own(owned, rest);
                    Own(owned, test);
                    Dataset train = rest;
                    Dataset? validation = null;
                    if (settings.ValidationFraction > 0)
                    {
                        (train, validation) = rest.StratifiedSplit(settings.ValidationFraction, settings.Seed + 1);
                        Own(owned, train);
                        Own(owned, validation);
                    }
                    split = splits[source] = (train, validation, test);
                }
                var (tr, va, te) = split;
                if (filter is not null)
                {
                    tr = Own(owned, Catalog.FilterClasses(tr, filter));
                    va = va is null ? null : Own(owned, Catalog.FilterClasses(va, filter));
                    te = Own(owned, Catalog.FilterClasses(te, filter));
                }
                if (a.Labels is { } map)
                {
                    tr = Own(owned, tr.Named(map));
                    va = va is null ? null : Own(owned, va.Named(map));
                    te = Own(owned, te.Named(map));
                }
                if (a.Shots is { } k) tr = Own(owned, tr.TakePerClass(k, settings.Seed));
                var note = $"{a.Source}{(a.Labels is null ? "" : $", labels {a.Labels}")}{(a.Shots is null ? "" : $", {a.Shots} per class")} ({tr.Provenance})";
                prepared.Add(new PreparedTask(a, tr, va, te, note));
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
            {
                throw new ArgumentException($"--task '{a.Text}': {e.Message}", e);
            }
        }
        return prepared;
    }

    private static Dataset Load(Settings settings, string source)
    {
        var data = Catalog.Load(source, new DataOptions { ImageSize = settings.Size, Rgb = settings.Channels != 1 });
        if (settings.Resize is { } r) data = Replace(data, data.Resize(r, r));
        if (settings.Channels == 1) data = Replace(data, data.ToGrey());
        if (settings.Channels == 3) data = Replace(data, data.ToRgb());
        return data;
    }

    private static Dataset Replace(Dataset old, Dataset replacement)
    {
        old.Dispose();
        return replacement;
    }

    private static Dataset Own(List<Dataset> owned, Dataset d)
    {
        owned.Add(d);
        return d;
    }
}
