using TorchSharp.Modules;
using TransferSharp.Training;
using TransferSharp.Models;

namespace TransferSharp.MultiTask;

/// <summary>
/// Hard parameter sharing (Caruana 1997): one shared trunk and one head per task. Every task's loss reaches the
/// trunk; a head only ever sees its own task's loss.
/// </summary>
/// <remarks>
/// For task t: <c>logits_t = head_t(trunk(x))</c>, shape <c>(N, K_t)</c>, or <c>head_t(trunk(input_t(x)))</c> when every
/// task has its own input stages (<see cref="MultiTaskSpec.InputStages"/>: tasks whose inputs differ in shape). Built
/// from a <see cref="ModelZoo"/> architecture (<see cref="Create"/>: the first stages shared, the remaining stages copied
/// per task with a new head) or from any trunk and heads (the constructor). State-dict keys are <c>trunk.…</c>,
/// <c>heads.&lt;task&gt;.…</c> and <c>inputs.&lt;task&gt;.…</c>;
/// below those, a zoo-built model keeps the architecture's own names, so one task's trunk and head load into the
/// single-task model (<see cref="ExportTask"/>).
/// </remarks>
public sealed class MultiTaskModel : Module
{
    // Field names are state-dict keys.
    private readonly Module<Tensor, Tensor> trunk;
    private readonly ModuleDict<Module<Tensor, Tensor>> heads;
    private readonly ModuleDict<Module<Tensor, Tensor>> inputs;   // empty unless tasks have their own input stages
    // Kept out of the state dict: views over trunk and heads, and (zoo-built) the donor models the stages came from.
    private readonly Dictionary<string, TaskPath> paths = new(StringComparer.Ordinal);
    private readonly List<StagedModel> donors = [];

    /// <summary>A multitask model over any trunk <c>(N, ...) → (N, F)</c> and per-task heads <c>(N, F) → (N, K_t)</c>.</summary>
    /// <exception cref="ArgumentException">No heads, or a bad or repeated task name.</exception>
    public MultiTaskModel(Module<Tensor, Tensor> trunk, IReadOnlyList<(string Task, Module<Tensor, Tensor> Head)> heads)
        : this(trunk, heads, [], null, []) { }

    private MultiTaskModel(Module<Tensor, Tensor> trunk, IReadOnlyList<(string Task, Module<Tensor, Tensor> Head)> heads,
        IReadOnlyList<(string Task, Module<Tensor, Tensor> Input)> inputs, MultiTaskSpec? spec, IReadOnlyList<StagedModel> donors) : base("multitask")
    {
        ArgumentNullException.ThrowIfNull(trunk);
        if (heads.Count == 0) throw new ArgumentException("a multitask model needs at least one task head");
        foreach (var (task, _) in heads)
            if (!TaskSpec.IsValidName(task)) throw new ArgumentException($"task name '{task}' must be non-empty letters, digits, '-' or '_'");
        foreach (var dup in heads.GroupBy(h => h.Task).Where(g => g.Count() > 1))
            throw new ArgumentException($"task name '{dup.Key}' is used {dup.Count()} times");
        this.trunk = trunk;
        this.heads = new ModuleDict<Module<Tensor, Tensor>>();
        this.inputs = new ModuleDict<Module<Tensor, Tensor>>();
        foreach (var (task, input) in inputs) this.inputs.Add(task, input);
        foreach (var (task, head) in heads)
        {
            this.heads.Add(task, head);
            paths[task] = new TaskPath(task, inputs.FirstOrDefault(i => i.Task == task).Input, trunk, head);
        }
        Spec = spec;
        this.donors.AddRange(donors);
        TaskNames = heads.Select(h => h.Task).ToArray();
        RegisterComponents();
    }

    /// <summary>
    /// Builds <paramref name="spec"/>: one fresh <see cref="ModelZoo"/> model per task; the first task's model gives
    /// the trunk (its first <see cref="MultiTaskSpec.SharedStages"/> stages), every task's model gives its head (the
    /// remaining stages, with that task's class count). Seed TorchSharp first for reproducible weights.
    /// </summary>
    /// <exception cref="ArgumentException">A bad spec, naming every problem.</exception>
    public static MultiTaskModel Create(MultiTaskSpec spec)
    {
        var errors = spec.Validate().Select(e => e.Message).ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
        var donors = new List<StagedModel>();
        try
        {
            foreach (var t in spec.Tasks) donors.Add(ModelZoo.Create(new ModelSpec(spec.Architecture, spec.InputShapeOf(t), t.ClassCount)));
            var stages = donors[0].StageNames;
            if (spec.SharedStages > stages.Count - 1)
                throw new ArgumentException($"{spec.Architecture} has {stages.Count} stages ({string.Join(", ", stages)}): " +
                                            $"a trunk of {spec.SharedStages} would leave no head; share at most {stages.Count - 1}");
            int own = spec.InputStages;
            var trunk = new ModuleChain("trunk", Modules(donors[0], stages.Skip(own).Take(spec.SharedStages - own)));
            var heads = spec.Tasks.Select((t, i) => (t.Name, (Module<Tensor, Tensor>)new ModuleChain(t.Name, Modules(donors[i], stages.Skip(spec.SharedStages))))).ToArray();
            (string, Module<Tensor, Tensor>)[] inputs = own == 0 ? [] : spec.Tasks.Select((t, i) => (t.Name, (Module<Tensor, Tensor>)new ModuleChain(t.Name, Modules(donors[i], stages.Take(own))))).ToArray();
            if (own > 0) CheckInputStagesAgree(spec, inputs, stages.Take(own).ToArray());
            return new MultiTaskModel(trunk, heads, inputs, spec, donors);
        }
        catch
        {
            foreach (var d in donors) d.Dispose();
            throw;
        }
    }

    // Every task's own stages must hand the shared trunk one shape: probed with two zero examples in evaluation mode.
    private static void CheckInputStagesAgree(MultiTaskSpec spec, (string Task, Module<Tensor, Tensor> Input)[] inputs, string[] ownStages)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var shapes = inputs.Select((x, i) =>
        {
            x.Input.eval();
            var shape = x.Input.call(zeros([2, .. spec.InputShapeOf(spec.Tasks[i])], device: Devices.Of(x.Input))).shape.Skip(1).ToArray();
            x.Input.train();
            return (x.Task, Shape: string.Join('x', shape));
        }).ToArray();
        var odd = shapes.FirstOrDefault(s => s.Shape != shapes[0].Shape);
        if (odd.Task is not null)
            throw new ArgumentException($"each task's own stages ({string.Join(", ", ownStages)}) must give the shared trunk one shape: " +
                                        $"task '{shapes[0].Task}' gives {shapes[0].Shape}, task '{odd.Task}' gives {odd.Shape}; give the tasks more stages of their own");
    }

    private static IEnumerable<(string, Module<Tensor, Tensor>)> Modules(StagedModel model, IEnumerable<string> stages)
    {
        var children = model.named_children().ToDictionary(c => c.name, c => c.module);
        return stages.SelectMany(model.ModulesOf).Select(n => (n, (Module<Tensor, Tensor>)children[n])).ToArray();
    }

    /// <summary>The zoo spec this model was built from; null for a custom trunk.</summary>
    public MultiTaskSpec? Spec { get; }

    /// <summary>Task names, in head order.</summary>
    public IReadOnlyList<string> TaskNames { get; }

    /// <summary>Names of the shared stages (zoo-built models) — empty for a custom trunk.</summary>
    public IReadOnlyList<string> SharedStageNames =>
        Spec is null ? [] : donors[0].StageNames.Take(Spec.SharedStages).ToArray();

    /// <summary>Logits <c>(N, K_t)</c> of task <paramref name="task"/> for inputs <c>(N, ...)</c>.</summary>
    public Tensor Forward(Tensor input, string task) => Path(task).call(input);

    /// <summary>The shared representation: the trunk's output for inputs <c>(N, ...)</c> (of the trunk's input shape).</summary>
    public Tensor Shared(Tensor input) => trunk.call(input);

    /// <summary>The shared representation of task <paramref name="task"/>'s inputs: through its own input stages, if any, then the trunk.</summary>
    public Tensor Shared(Tensor input, string task) => Path(task).Input is { } own ? trunk.call(own.call(input)) : trunk.call(input);

    /// <summary>
    /// One task's path (trunk then head) as an ordinary classifier <c>(N, ...) → (N, K_t)</c> for
    /// <see cref="Evaluation.Metrics"/> and prediction. It shares this model's weights: train one, the other changes.
    /// </summary>
    /// <exception cref="ArgumentException">No such task.</exception>
    public Module<Tensor, Tensor> TaskPath(string task) => Path(task);

    /// <summary>Parameters of the shared trunk.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> TrunkParameters() => trunk.named_parameters();

    /// <summary>Parameters of one task's head.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> HeadParameters(string task)
    {
        Path(task);
        return heads[task].named_parameters();
    }

    /// <summary>Parameters of one task's own input stages (none unless <see cref="MultiTaskSpec.InputStages"/> &gt; 0).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> InputParameters(string task) =>
        Path(task).Input is { } own ? own.named_parameters() : [];

    /// <summary>
    /// A standalone single-task model (a <see cref="StagedModel"/> of the zoo architecture with this task's class
    /// count) holding a copy of the trunk's and the task's head's weights: save it with
    /// <see cref="Training.Checkpoint"/> and use it anywhere a one-task model goes (<c>transfer predict</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model was built around a custom trunk.</exception>
    public StagedModel ExportTask(string task)
    {
        Path(task);
        if (Spec is null) throw new InvalidOperationException("only a multitask model built from a ModelZoo architecture can export a task as a single model; use TaskPath for a custom trunk");
        var head = Spec.Tasks.First(t => t.Name == task);
        var single = ModelZoo.Create(new ModelSpec(Spec.Architecture, Spec.InputShapeOf(head), head.ClassCount));
        var state = new Dictionary<string, Tensor>(trunk.state_dict());
        if (Path(task).Input is { } own) foreach (var (k, v) in own.state_dict()) state.Add(k, v);
        foreach (var (k, v) in heads[task].state_dict()) state.Add(k, v);
        single.load_state_dict(state, strict: true);
        single.train(training);
        return single;
    }

    private TaskPath Path(string task) =>
        paths.TryGetValue(task, out var p) ? p
            : throw new ArgumentException($"the model has no task '{task}' (tasks: {string.Join(", ", TaskNames)})");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        foreach (var d in donors) d.Dispose();   // the stages not used; disposing a module twice is harmless
        foreach (var p in paths.Values) p.Dispose();   // views own no modules: this frees only their handles
    }
}
