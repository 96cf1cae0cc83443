namespace TransferSharp.MultiTask;

/// <summary>Named modules applied in order, registered under their own names (so keys match the donor model's).</summary>
internal sealed class ModuleChain : Module<Tensor, Tensor>
{
    // A List<> is invisible to RegisterComponents: the modules are registered by name below.
    private readonly List<Module<Tensor, Tensor>> ordered = [];

    public ModuleChain(string name, IEnumerable<(string Name, Module<Tensor, Tensor> Module)> modules) : base(name)
    {
        foreach (var (n, m) in modules)
        {
            register_module(n, m);
            ordered.Add(m);
        }
        if (ordered.Count == 0) throw new ArgumentException($"{name}: no modules");
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var m in ordered) x = m.call(x);
        return x;
    }
}

/// <summary>
/// One task's path through a multitask model (trunk, then the task's head) as an ordinary classifier, for
/// evaluation and prediction. A view: it shares the model's weights and owns nothing, so disposing it frees nothing.
/// </summary>
internal sealed class TaskPath : Module<Tensor, Tensor>
{
    // Not registered (no RegisterComponents call): the multitask model owns these.
    private readonly Module<Tensor, Tensor>? inputRef;
    private readonly Module<Tensor, Tensor> trunkRef;
    private readonly Module<Tensor, Tensor> headRef;

    public TaskPath(string task, Module<Tensor, Tensor>? input, Module<Tensor, Tensor> trunk, Module<Tensor, Tensor> head) : base($"path-{task}")
    {
        inputRef = input;
        trunkRef = trunk;
        headRef = head;
    }

    // (N, ...) → this task's own input stages, if any → shared trunk → head: (N, K)
    public override Tensor forward(Tensor input)
    {
        var x = inputRef is null ? input : inputRef.call(input);   // (N, ...) in the trunk's input shape
        return headRef.call(trunkRef.call(x));
    }

    /// <summary>This task's own input stages (null: none), the shared trunk and this task's head (the ONNX exporter walks them).</summary>
    internal Module<Tensor, Tensor>? Input => inputRef;
    internal Module<Tensor, Tensor> Trunk => trunkRef;
    internal Module<Tensor, Tensor> Head => headRef;

    // The view's mode is the model's: Metrics.Evaluate restores whatever mode it finds.
    public override bool training => trunkRef.training;

    public override void train(bool train = true)
    {
        base.train(train);
        inputRef?.train(train);
        trunkRef.train(train);
        headRef.train(train);
    }
}
