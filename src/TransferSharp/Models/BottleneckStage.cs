namespace TransferSharp.Models;

/// <summary>
/// A model with a bottleneck between its features and its head: the feature stages of an architecture, then a stage
/// <c>bottleneck</c> (Linear F→B, BatchNorm1d, ReLU), then a new head B→K under the architecture's head name.
/// </summary>
/// <remarks>
/// The bottleneck is the one of the domain-adaptation papers' reference code (Long et al. 2015, DAN; Ganin et al.
/// 2016, DANN use a 256-unit layer before the classifier); the domains are aligned on its output. As a
/// <see cref="StagedModel"/> the result is an ordinary classifier: <see cref="StagedModel.Features"/> gives the
/// bottleneck's <c>(N, B)</c> output, and <see cref="Training.Checkpoint.Load(string)"/> rebuilds it from
/// <see cref="Training.CheckpointInfo.Bottleneck"/>. Parameter names: the architecture's for the features,
/// <c>bottleneck.fc.*</c>, <c>bottleneck.bn.*</c>, and the head's own (e.g. <c>head.weight</c>, <c>fc.weight</c>).
/// </remarks>
public static class BottleneckStage
{
    /// <summary>Name of the inserted stage (and of its module).</summary>
    public const string Name = "bottleneck";

    /// <summary>
    /// A model that shares <paramref name="model"/>'s feature modules (training one trains the other) with a new
    /// bottleneck of <paramref name="width"/> units and a new head. <paramref name="model"/>'s head is not used.
    /// Dispose only one of the two models: they own the same feature modules.
    /// </summary>
    public static StagedModel Attach(StagedModel model, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var headStage = model.StageNames[^1];
        var headModules = model.ModulesOf(headStage);
        if (headModules.Count != 1)
            throw new ArgumentException($"model '{model.Spec.Architecture}': a bottleneck needs a head of one module, '{headStage}' has {headModules.Count}");
        if (model.StageNames.Contains(Name))
            throw new ArgumentException($"model '{model.Spec.Architecture}' already has a stage '{Name}'");
        var children = model.named_children().ToDictionary(c => c.name, c => (Module<Tensor, Tensor>)c.module);
        var stages = model.StageNames.Take(model.StageNames.Count - 1)
            .Select(s => new Stage(s, model.ModulesOf(s).Select(m => (m, children[m])).ToArray()))
            .ToList();
        long features = FeatureWidth(model);
        stages.Add(Stage.Of(Name, nn.Sequential(("fc", nn.Linear(features, width)), ("bn", nn.BatchNorm1d(width)), ("relu", nn.ReLU()))));
        stages.Add(new Stage(headStage, [(headModules[0], nn.Linear(width, model.Spec.ClassCount))]));
        return new StagedModel(model.Spec, stages);
    }

    /// <summary>A freshly initialised <paramref name="spec"/> model with a bottleneck of <paramref name="width"/> units.</summary>
    public static StagedModel Create(ModelSpec spec, int width)
    {
        var plain = ModelZoo.Create(spec);
        var result = Attach(plain, width);
        // The plain model's features now belong to the result; only its unused head is freed.
        var children = plain.named_children().ToDictionary(c => c.name, c => c.module);
        foreach (var m in plain.ModulesOf(plain.StageNames[^1])) children[m].Dispose();
        return result;
    }

    /// <summary>Width F of the features <paramref name="model"/> gives for one input of its shape.</summary>
    internal static long FeatureWidth(StagedModel model)
    {
        bool training = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return model.Features(zeros([1, .. model.Spec.InputShape], device: Training.Devices.Of(model))).shape[1];
        }
        finally
        {
            if (training) model.train();
        }
    }
}
