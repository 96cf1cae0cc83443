using TorchSharp.Modules;

namespace TransferSharp.Models;

/// <summary>
/// A network as an ordered stack of named stages ("layers" in the transfer-learning sense): the unit that layer
/// transfer copies, freezes or re-initialises. The last stage is the head (the classifier); the others are features.
/// </summary>
/// <remarks>
/// A stage is one or more modules registered at the top level under their own names, so parameter names match the
/// usual layouts (torchvision's <c>conv1.weight</c>, <c>layer1.0.conv1.weight</c>, <c>fc.weight</c>).
/// </remarks>
public sealed class StagedModel : Module<Tensor, Tensor>
{
    private readonly StageInfo[] stageInfo;
    private readonly List<Module<Tensor, Tensor>> ordered = [];

    /// <summary>Builds the model from its stages, in forward order.</summary>
    /// <param name="spec">Architecture, input shape and class count.</param>
    /// <param name="stages">The stages, the head last.</param>
    /// <param name="channelsLast">Convert image inputs to channels-last layout first (<see cref="Modules.ToChannelsLast"/>):
    /// convolutional networks then run oneDNN's channels-last kernels throughout. Values are unchanged and no
    /// module is added, so state-dict keys stay the same.</param>
    public StagedModel(ModelSpec spec, IReadOnlyList<Stage> stages, bool channelsLast = false) : base(spec.Architecture)
    {
        ChannelsLast = channelsLast;
        if (stages.Count < 2) throw new ArgumentException("a staged model needs at least one feature stage and a head");
        Spec = spec;
        var seen = new HashSet<string>();
        foreach (var stage in stages)
            foreach (var (name, module) in stage.Modules)
            {
                if (!seen.Add(name)) throw new ArgumentException($"module name '{name}' used twice");
                register_module(name, module);
                ordered.Add(module);
            }
        stageInfo = stages.Select(s => new StageInfo(s.Name, s.Modules.Select(m => m.Name).ToArray())).ToArray();
    }

    /// <summary>Architecture, input shape and class count.</summary>
    public ModelSpec Spec { get; }

    /// <summary>True when image inputs are converted to channels-last layout before the first stage.</summary>
    public bool ChannelsLast { get; }

    /// <summary>Stage names in forward order; the last is the head.</summary>
    public IReadOnlyList<string> StageNames => stageInfo.Select(s => s.Name).ToArray();

    /// <summary>Names of the top-level modules that make up <paramref name="stage"/>.</summary>
    public IReadOnlyList<string> ModulesOf(string stage) =>
        stageInfo.FirstOrDefault(s => s.Name == stage)?.Modules
        ?? throw new ArgumentException($"model '{Spec.Architecture}' has no stage '{stage}' (stages: {string.Join(", ", StageNames)})");

    /// <summary>The parameters of one stage, with their full names.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> StageParameters(string stage)
    {
        var prefixes = ModulesOf(stage).Select(m => m + ".").ToArray();
        return named_parameters().Where(p => prefixes.Any(pre => p.name.StartsWith(pre, StringComparison.Ordinal)));
    }

    /// <summary>Logits <c>(N, classes)</c> for inputs <c>(N, ...)</c>.</summary>
    public override Tensor forward(Tensor input) => Chain(ordered, input, ChannelsLast);

    /// <summary>The output of every stage but the head: <c>(N, F)</c> features.</summary>
    public Tensor Features(Tensor input) => Chain(ordered.Take(ordered.Count - stageInfo[^1].Modules.Length), input, ChannelsLast);

    /// <summary>
    /// The output of every stage but the head, in one forward pass: one tensor per feature stage, in stage order, each as
    /// the stage gives it (<c>(N, C, H, W)</c> for a convolutional stage, <c>(N, F)</c> after flattening or pooling).
    /// </summary>
    public IReadOnlyList<Tensor> StageOutputs(Tensor input)
    {
        var outputs = new List<Tensor>();
        var x = ChannelsLast && input.dim() == 4 ? Modules.ToChannelsLast.Convert(input) : input;
        int m = 0;
        foreach (var stage in stageInfo[..^1])
        {
            foreach (var _ in stage.Modules)
            {
                var next = ordered[m++].call(x);
                // Release intermediates within a stage (as Chain does); keep each stage's output for the caller.
                if (!ReferenceEquals(x, input) && !ReferenceEquals(next, x) && !outputs.Any(o => ReferenceEquals(o, x))) x.Dispose();
                x = next;
            }
            outputs.Add(x);
        }
        return outputs;
    }

    // Runs the modules in order and releases each intermediate handle as soon as the next module has consumed it (as
    // TorchSharp's Sequential does): under a caller's dispose scope they would otherwise all live until it ends, about
    // 1 GB for a ResNet-18 batch of 32 at 224x224. Autograd keeps its own references to what backward needs.
    private static Tensor Chain(IEnumerable<Module<Tensor, Tensor>> modules, Tensor input, bool channelsLast)
    {
        var x = channelsLast && input.dim() == 4 ? Modules.ToChannelsLast.Convert(input) : input;   // released like any intermediate
        foreach (var m in modules)
        {
            var next = m.call(x);
            if (!ReferenceEquals(x, input) && !ReferenceEquals(next, x)) x.Dispose();
            x = next;
        }
        return x;
    }

    private sealed record StageInfo(string Name, string[] Modules);
}

/// <summary>One stage of a <see cref="StagedModel"/>: a name and its modules in forward order.</summary>
public sealed record Stage(string Name, IReadOnlyList<(string Name, Module<Tensor, Tensor> Module)> Modules)
{
    /// <summary>A stage made of one module registered under the stage's own name.</summary>
    public static Stage Of(string name, Module<Tensor, Tensor> module) => new(name, [(name, module)]);
}
