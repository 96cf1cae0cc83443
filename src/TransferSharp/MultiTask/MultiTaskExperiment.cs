using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>One task of a multitask experiment, before its data is loaded.</summary>
/// <param name="Name">The task's name (its head's name): letters, digits, '-' or '_'.</param>
/// <param name="Data">What <see cref="Catalog.Load"/> takes: a built-in name or a path, optionally with a class filter (<c>mnist:0-4</c>).</param>
public sealed record TaskSource(string Name, string Data)
{
    /// <summary>A derived label set (<see cref="LabelMaps.Names"/>: parity, coarse); null = the data's own labels.</summary>
    public string? Labels { get; init; }
    /// <summary>Keep only this many labelled training examples per class; null = all.</summary>
    public int? Shots { get; init; }
    /// <summary>Fixed loss weight of the task. Default 1.</summary>
    public double Weight { get; init; } = 1;
    /// <summary>Sampling weight (with weighted sampling). Default 1.</summary>
    public double Sample { get; init; } = 1;
}

/// <summary>One task's data after splitting, relabelling and taking shots.</summary>
/// <param name="Source">The task.</param>
/// <param name="Train">Its training part.</param>
/// <param name="Validation">Its validation part; null = none.</param>
/// <param name="Test">Its held-out test part.</param>
/// <param name="Provenance">One line: the data, label set, shots and where it came from.</param>
public sealed record TaskData(TaskSource Source, Dataset Train, Dataset? Validation, Dataset Test, string Provenance)
{
    /// <summary>The task as the trainer takes it.</summary>
    public TaskSpec Spec => new(Source.Name, Train, Validation) { LossWeight = Source.Weight, SamplingWeight = Source.Sample };
}

/// <summary>A task whose data could not be loaded or split; the inner exception says why.</summary>
public sealed class TaskDataException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public TaskDataException(TaskSource task, int index, Exception inner) : base($"task '{task.Name}' ({task.Data}): {inner.Message}", inner)
    {
        Task = task;
        Index = index;
    }

    /// <summary>The task.</summary>
    public TaskSource Task { get; }
    /// <summary>Its index in the list given.</summary>
    public int Index { get; }
}

/// <summary>
/// Every task's train / validation / test parts, split so that no task's test images train the shared trunk: tasks
/// over the same source share one split. Owns the datasets.
/// </summary>
public sealed class MultiTaskSplit : IDisposable
{
    private readonly List<Dataset> owned;

    private MultiTaskSplit(IReadOnlyList<TaskData> tasks, List<Dataset> owned)
    {
        Tasks = tasks;
        this.owned = owned;
    }

    /// <summary>The tasks' data, in the order given.</summary>
    public IReadOnlyList<TaskData> Tasks { get; }

    /// <summary>
    /// Loads every source once and splits it by its own labels, before any class filter: tasks over the same source
    /// (<c>mnist</c> and <c>mnist:5-9</c>, say) share one split, so no task trains the shared trunk on another task's
    /// test images. Then each task's class filter and label set are applied to the parts and its shots taken from the
    /// training part.
    /// </summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="data">How to load (image size, resize, channels).</param>
    /// <param name="testFraction">Held-out test part of every class of every source (stratified with <paramref name="seed"/>).</param>
    /// <param name="validationFraction">Validation part of the rest (seed + 1); 0 = none.</param>
    /// <param name="seed">Seeds the splits and the shots.</param>
    /// <exception cref="TaskDataException">A task whose data cannot be loaded, filtered or split.</exception>
    public static MultiTaskSplit Create(IReadOnlyList<TaskSource> tasks, DataOptions data, double testFraction, double validationFraction, int seed)
    {
        var owned = new List<Dataset>();
        try
        {
            var splits = new Dictionary<string, (Dataset Train, Dataset? Validation, Dataset Test)>(StringComparer.Ordinal);
            var prepared = new List<TaskData>();
            for (int i = 0; i < tasks.Count; i++)
            {
                var a = tasks[i];
                try
                {
                    var (source, filter) = Catalog.ParseSpec(a.Data);
                    if (!splits.TryGetValue(source, out var split))
                    {
                        var all = Own(Catalog.Load(source, data));
                        if (!all.HasLabels) throw new ArgumentException("the dataset has no labels to train on");
                        var (rest, test) = all.StratifiedSplit(testFraction, seed);
                        Own(rest);
                        Own(test);
                        Dataset train = rest;
                        Dataset? validation = null;
                        if (validationFraction > 0)
                        {
                            (train, validation) = rest.StratifiedSplit(validationFraction, seed + 1);
                            Own(train);
                            Own(validation);
                        }
                        split = splits[source] = (train, validation, test);
                    }
                    var (tr, va, te) = split;
                    if (filter is not null)
                    {
                        tr = Own(Catalog.FilterClasses(tr, filter));
                        va = va is null ? null : Own(Catalog.FilterClasses(va, filter));
                        te = Own(Catalog.FilterClasses(te, filter));
                    }
                    if (a.Labels is { } map)
                    {
                        tr = Own(tr.Named(map));
                        va = va is null ? null : Own(va.Named(map));
                        te = Own(te.Named(map));
                    }
                    if (a.Shots is { } k) tr = Own(tr.TakePerClass(k, seed));
                    var note = $"{a.Data}{(a.Labels is null ? "" : $", labels {a.Labels}")}{(a.Shots is null ? "" : $", {a.Shots} per class")} ({tr.Provenance})";
                    prepared.Add(new TaskData(a, tr, va, te, note));
                }
                catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
                {
                    throw new TaskDataException(a, i, e);
                }
            }
            return new MultiTaskSplit(prepared, owned);
        }
        catch
        {
            foreach (var d in owned) d.Dispose();
            throw;
        }

        Dataset Own(Dataset d)
        {
            owned.Add(d);
            return d;
        }
    }

    /// <summary>Releases every part.</summary>
    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
    }
}

/// <summary>Settings of a <see cref="MultiTaskExperiment"/>.</summary>
public sealed record MultiTaskExperimentOptions
{
    /// <summary>The network (a <see cref="Models.ModelZoo"/> name). Default lenet.</summary>
    public string Architecture { get; init; } = "lenet";
    /// <summary>Leading stages shared by the tasks; null (default) = every stage but the head.</summary>
    public int? SharedStages { get; init; }
    /// <summary>
    /// Leading stages each task has of its own, before the shared ones (default 0). With 1 or more, tasks may have
    /// examples of different shapes (no resizing): <see cref="MultiTaskSpec.InputStages"/>.
    /// </summary>
    public int InputStages { get; init; }
    /// <summary>Training of the multitask network and of every single-task baseline.</summary>
    public MultiTaskOptions Training { get; init; } = new();
    /// <summary>Tasks also trained alone (the same network, trunk and schedule, only that task's head): the baseline of the gains. Default none.</summary>
    public IReadOnlyList<string> Alone { get; init; } = [];

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>(InvalidOptionsException.Nest(nameof(Training), Training.Validate()));
        if (!Models.ModelZoo.Architectures.Contains(Architecture))
            e.Add(new(nameof(Architecture), $"model '{Architecture}' is unknown (choose {string.Join(", ", Models.ModelZoo.Architectures)})"));
        if (SharedStages is < 1) e.Add(new(nameof(SharedStages), $"shared stages must be at least 1, got {SharedStages}"));
        if (InputStages < 0) e.Add(new(nameof(InputStages), $"input stages must be 0 or more, got {InputStages}"));
        if (Alone.Distinct().Count() != Alone.Count) e.Add(new(nameof(Alone), "tasks to train alone repeat"));
        return e;
    }
}

/// <summary>One task's numbers.</summary>
/// <param name="Name">The task.</param>
/// <param name="ClassNames">Its classes.</param>
/// <param name="TrainCount">Training examples.</param>
/// <param name="ValidationCount">Validation examples (0 = none).</param>
/// <param name="TestCount">Test examples.</param>
/// <param name="TestAccuracy">Test accuracy of the multitask network's path for the task.</param>
/// <param name="TestLoss">Its mean test cross-entropy.</param>
/// <param name="PerClassTestAccuracy">Test accuracy per class, in class order.</param>
/// <param name="Steps">Training steps that sampled the task.</param>
/// <param name="FinalLossWeight">The task's loss weight in the last epoch.</param>
/// <param name="History">Per-epoch metrics of the task.</param>
public sealed record MultiTaskTaskReport(string Name, IReadOnlyList<string> ClassNames, int TrainCount, int ValidationCount, int TestCount,
    double TestAccuracy, double TestLoss, IReadOnlyList<double> PerClassTestAccuracy, int Steps, double FinalLossWeight,
    IReadOnlyList<EpochMetrics> History)
{
    /// <summary>Test accuracy of the task trained alone; null when not trained alone.</summary>
    public double? AloneTestAccuracy { get; init; }
    /// <summary>Per-epoch metrics of the task trained alone; null when not trained alone.</summary>
    public IReadOnlyList<EpochMetrics>? AloneHistory { get; init; }
    /// <summary>Multitask test accuracy minus alone; null when not trained alone.</summary>
    public double? GainOverAlone => AloneTestAccuracy is { } a ? TestAccuracy - a : null;
}

/// <summary>What a <see cref="MultiTaskExperiment"/> measured.</summary>
/// <param name="Architecture">The network.</param>
/// <param name="SharedStages">The shared trunk's stages.</param>
/// <param name="TaskStages">Each task's own stages.</param>
/// <param name="Tasks">Per task, in order.</param>
/// <param name="Epochs">Per epoch: loss weights, steps per task, speed.</param>
public sealed record MultiTaskReport(string Architecture, IReadOnlyList<string> SharedStages, IReadOnlyList<string> TaskStages,
    IReadOnlyList<MultiTaskTaskReport> Tasks, IReadOnlyList<MultiTaskEpoch> Epochs)
{
    /// <summary>The stages each task has of its own before the shared trunk (empty: the trunk starts at the input).</summary>
    public IReadOnlyList<string> InputStages { get; init; } = [];
}

/// <summary>The report, the trained multitask network and its spec (dispose the outcome to release the network).</summary>
public sealed class MultiTaskOutcome : IDisposable
{
    internal MultiTaskOutcome(MultiTaskReport report, MultiTaskModel model, MultiTaskSpec spec)
    {
        Report = report;
        Model = model;
        Spec = spec;
    }

    /// <summary>The numbers.</summary>
    public MultiTaskReport Report { get; }
    /// <summary>The trained multitask network.</summary>
    public MultiTaskModel Model { get; }
    /// <summary>Its spec.</summary>
    public MultiTaskSpec Spec { get; }

    /// <summary>Releases the network.</summary>
    public void Dispose() => Model.Dispose();
}

/// <summary>
/// Multitask learning under one protocol: one network with a shared trunk and a head per task trained on every task
/// (<see cref="MultiTaskTrainer"/>), and optionally the chosen tasks each trained alone on the same network shape and
/// schedule; every task tested on its own held-out part.
/// </summary>
/// <remarks>
/// The tasks are checked (names, shapes, a head per task) when the experiment is created, so that bad input fails
/// before any training. Every network is seeded with the training seed just before it is built, so the numbers of one
/// do not depend on the others. Use <see cref="MultiTaskSplit"/> for tasks drawn from shared sources: it keeps every
/// task's test images out of every task's training part.
/// </remarks>
public sealed class MultiTaskExperiment
{
    private readonly MultiTaskExperimentOptions options;
    private readonly IReadOnlyList<TaskData> tasks;
    private readonly MultiTaskSpec spec;
    private readonly IReadOnlyList<string> stageNames;

    /// <summary>Checks the options and the tasks.</summary>
    /// <exception cref="ArgumentException">Bad options, a bad task, tasks of different shapes, a bad trunk.</exception>
    public MultiTaskExperiment(MultiTaskExperimentOptions options, IReadOnlyList<TaskData> tasks)
    {
        InvalidOptionsException.ThrowIfAny(options.Validate());
        if (tasks.Count == 0) throw new ArgumentException("no tasks to train");
        var unknown = options.Alone.Where(a => tasks.All(t => t.Source.Name != a)).ToArray();
        if (unknown.Length > 0) throw new ArgumentException($"no task named {string.Join(", ", unknown.Select(u => $"'{u}'"))} to train alone");
        this.options = options;
        this.tasks = tasks;
        var shape = tasks[0].Train.ExampleShape;
        stageNames = MultiTaskSpec.StageNames(options.Architecture, shape);
        int shared = options.SharedStages ?? stageNames.Count - 1;
        // With input stages of their own, every task keeps its examples' shape.
        spec = new MultiTaskSpec(options.Architecture, shape, shared, tasks.Select(t =>
            new TaskHeadSpec(t.Source.Name, t.Train.ClassCount, options.InputStages > 0 ? t.Train.ExampleShape : null)).ToArray()) { InputStages = options.InputStages };
        using var probe = MultiTaskModel.Create(spec);
        MultiTaskTrainer.Check(probe, tasks.Select(t => t.Spec).ToArray());
    }

    /// <summary>The network's spec (architecture, trunk, heads).</summary>
    public MultiTaskSpec Spec => spec;
    /// <summary>The shared trunk's stage names.</summary>
    public IReadOnlyList<string> SharedStageNames => stageNames.Skip(spec.InputStages).Take(spec.SharedStages - spec.InputStages).ToArray();
    /// <summary>The stage names each task has of its own before the trunk (empty unless <see cref="MultiTaskExperimentOptions.InputStages"/> &gt; 0).</summary>
    public IReadOnlyList<string> InputStageNames => stageNames.Take(spec.InputStages).ToArray();
    /// <summary>Each task's own stage names.</summary>
    public IReadOnlyList<string> TaskStageNames => stageNames.Skip(spec.SharedStages).ToArray();

    /// <summary>Trains the tasks alone (those chosen), then together, and tests every task.</summary>
    /// <param name="progress">Training progress of each network.</param>
    /// <param name="cancellation">Stops training.</param>
    public MultiTaskOutcome Run(IProgress<ExperimentProgress>? progress = null, CancellationToken cancellation = default)
    {
        int runs = options.Alone.Count + 1, run = 0;
        var alone = new Dictionary<string, (double Accuracy, IReadOnlyList<EpochMetrics> History)>();
        foreach (var name in options.Alone)
        {
            var t = tasks.First(x => x.Source.Name == name);
            Seeding.SeedEverything(options.Training.Seed);
            using var single = MultiTaskModel.Create(spec with { Tasks = [spec.Tasks.First(h => h.Name == name)] });
            var r = new MultiTaskTrainer(options.Training).Fit(single, [t.Spec], Forward(run++, $"{name} alone"), cancellation);
            alone[name] = (Metrics.Evaluate(single.TaskPath(name), t.Test).Accuracy, r.History[name]);
        }

        Seeding.SeedEverything(options.Training.Seed);
        var model = MultiTaskModel.Create(spec);
        try
        {
            var result = new MultiTaskTrainer(options.Training).Fit(model, tasks.Select(t => t.Spec).ToArray(), Forward(run++, "multitask"), cancellation);
            var reports = tasks.Select(t =>
            {
                var name = t.Source.Name;
                var s = Metrics.Evaluate(model.TaskPath(name), t.Test);
                var r = new MultiTaskTaskReport(name, t.Train.ClassNames.ToArray(), t.Train.Count, t.Validation?.Count ?? 0, t.Test.Count,
                    s.Accuracy, s.Loss, s.PerClassAccuracy(), result.Epochs.Sum(e => e.Steps[name]), result.Epochs[^1].LossWeights[name],
                    result.History[name]);
                return alone.TryGetValue(name, out var a) ? r with { AloneTestAccuracy = a.Accuracy, AloneHistory = a.History } : r;
            }).ToArray();
            return new MultiTaskOutcome(new MultiTaskReport(options.Architecture, SharedStageNames, TaskStageNames, reports, result.Epochs) { InputStages = InputStageNames }, model, spec);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        IProgress<TrainingProgress>? Forward(int index, string name) => progress is null ? null
            : new SyncProgress<TrainingProgress>(p => progress.Report(new ExperimentProgress(index, runs, name, p)));
    }
}
