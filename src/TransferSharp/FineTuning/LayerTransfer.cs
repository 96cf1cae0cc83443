using TorchSharp.Modules;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.FineTuning;

/// <summary>What happens to copied stages during training on the target.</summary>
public enum CopiedStageMode
{
    /// <summary>Copied weights are fine-tuned with the rest (Yosinski's "+" networks: BnB+, AnB+).</summary>
    FineTuned,
    /// <summary>Copied weights stay fixed (BnB, AnB): no gradient, not in the optimiser, batch-norm statistics kept.</summary>
    Frozen,
}

/// <summary>Settings of layer transfer.</summary>
public sealed record LayerTransferOptions
{
    /// <summary>Which source stages to copy. Default: every feature stage (the head is new).</summary>
    public StageSelection Copy { get; init; } = StageSelection.AllFeatures;
    /// <summary>Fine-tune (default) or freeze the copied stages.</summary>
    public CopiedStageMode Mode { get; init; } = CopiedStageMode.FineTuned;
    /// <summary>Learning rate of fine-tuned copied stages as a multiple of the base rate. Default 1 (0.1 is common).</summary>
    public double CopiedLearningRateScale { get; init; } = 1.0;

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (!(CopiedLearningRateScale > 0) || double.IsInfinity(CopiedLearningRateScale))
            e.Add(new(nameof(CopiedLearningRateScale), $"copied learning-rate scale must be positive, got {CopiedLearningRateScale}"));
        if (Copy.Kind is StageSelectionKind.First or StageSelectionKind.Last && Copy.Count is < 1)
            e.Add(new(nameof(Copy), $"copy count must be at least 1, got {Copy.Count}"));
        if (Copy.Kind == StageSelectionKind.Named && Copy.Names.Count == 0) e.Add(new(nameof(Copy), "copy names no stages"));
        if (Copy.Kind == StageSelectionKind.None && Mode == CopiedStageMode.Frozen) e.Add(new(nameof(Copy), "copy none leaves nothing to freeze"));
        return e;
    }
    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());

}

/// <summary>A target model built by layer transfer, and which of its stages came from the source.</summary>
public sealed class TransferredModel
{
    internal TransferredModel(StagedModel model, IReadOnlyList<string> copied, CopiedStageMode mode, double copiedScale)
    {
        Model = model;
        CopiedStages = copied;
        Mode = mode;
        CopiedLearningRateScale = copiedScale;
    }

    /// <summary>The target model: copied stages hold the source's weights, the rest is freshly initialised.</summary>
    public StagedModel Model { get; }
    /// <summary>Stages copied from the source, in forward order.</summary>
    public IReadOnlyList<string> CopiedStages { get; }
    /// <summary>Stages initialised afresh (always including a head for other classes).</summary>
    public IReadOnlyList<string> NewStages => Model.StageNames.Except(CopiedStages).ToArray();
    /// <summary>Whether the copied stages are frozen or fine-tuned.</summary>
    public CopiedStageMode Mode { get; }
    /// <summary>Learning-rate multiple of fine-tuned copied stages.</summary>
    public double CopiedLearningRateScale { get; }

    /// <summary>Parameters of the copied stages, with their names.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> CopiedParameters() => CopiedStages.SelectMany(Model.StageParameters);

    /// <summary>Parameters of the new stages, with their names.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NewParameters() => NewStages.SelectMany(Model.StageParameters);

    /// <summary>
    /// The optimiser's groups: new stages at the base rate, fine-tuned copied stages at
    /// <see cref="CopiedLearningRateScale"/>; frozen stages are left out.
    /// </summary>
    public IReadOnlyList<ParameterGroupSpec> ParameterGroups()
    {
        var groups = new List<ParameterGroupSpec> { new(NewParameters().Select(p => p.Parameter).ToArray()) };
        if (Mode == CopiedStageMode.FineTuned && CopiedStages.Count > 0)
            groups.Add(new ParameterGroupSpec(CopiedParameters().Select(p => p.Parameter).ToArray(), CopiedLearningRateScale));
        return groups.Where(g => g.Parameters.Count > 0).ToArray();
    }
}

/// <summary>
/// Layer transfer (Yosinski et al. 2014, "How transferable are features in deep neural networks?"): a new network
/// for the target task whose chosen stages start from a source-trained network's weights and whose other stages
/// are newly initialised; copied stages are frozen or fine-tuned.
/// </summary>
/// <remarks>
/// Weights move by name through the state dicts (parameters and buffers such as batch-norm statistics), so the
/// source and target must share the architecture; a shape that differs (other input channels, other image size
/// before a fully connected stage) is reported with the tensor's name. A frozen stage is switched to evaluation
/// mode before each of its forward passes, so its batch-norm layers use and keep the source's statistics.
/// </remarks>
public static class LayerTransfer
{
    /// <summary>
    /// Builds the target model: a fresh <see cref="ModelZoo"/> model of <paramref name="target"/> (seed TorchSharp first
    /// for reproducible initialisation) with the selected stages copied from <paramref name="source"/>.
    /// </summary>
    public static TransferredModel Build(StagedModel source, ModelSpec target, LayerTransferOptions options)
    {
        options.ThrowIfInvalid();
        if (target.Architecture != source.Spec.Architecture)
            throw new ArgumentException($"the source is a {source.Spec.Architecture} but the target model is a {target.Architecture}; layer transfer copies between the same architecture");
        var copied = options.Copy.Resolve(source, target);
        var model = ModelZoo.Create(target);
        try
        {
            CopyStages(source, model, copied);
            if (options.Mode == CopiedStageMode.Frozen) Freeze(model, copied);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new TransferredModel(model, copied, options.Mode, options.CopiedLearningRateScale);
    }

    /// <summary>Copies the parameters and buffers of <paramref name="stages"/> from one model into another by name.</summary>
    internal static void CopyStages(StagedModel from, StagedModel to, IEnumerable<string> stages)
    {
        var sourceState = from.state_dict();
        using var noGrad = no_grad();
        foreach (var stage in stages)
        {
            var prefixes = to.ModulesOf(stage).Select(m => m + ".").ToArray();
            bool Owned(string key) => prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));
            var unmatched = sourceState.Keys.Where(Owned).Except(to.state_dict().Keys).ToArray();
            if (unmatched.Length > 0)
                throw new ArgumentException($"stage '{stage}' of the source has {string.Join(", ", unmatched.Take(4))}{(unmatched.Length > 4 ? "..." : "")}, which the target lacks");
            var targets = to.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
                .Concat(to.named_buffers().Select(b => (b.name, b.buffer)))
                .Where(t => Owned(t.Item1));
            foreach (var (name, tensor) in targets)
            {
                if (!sourceState.TryGetValue(name, out var value))
                    throw new ArgumentException($"the source model has no '{name}' to copy into stage '{stage}'");
                if (!value.shape.SequenceEqual(tensor.shape))
                    throw new ArgumentException($"cannot copy '{name}' of stage '{stage}': the source's is ({string.Join(", ", value.shape)}), the target's ({string.Join(", ", tensor.shape)}); the inputs probably differ in channels or size");
                tensor.copy_(value);
            }
        }
    }

    /// <summary>Stops gradients into <paramref name="stages"/> and keeps their batch-norm layers in evaluation mode.</summary>
    internal static void Freeze(StagedModel model, IEnumerable<string> stages)
    {
        foreach (var stage in stages)
        {
            foreach (var (_, p) in model.StageParameters(stage)) p.requires_grad = false;
            var names = model.ModulesOf(stage);
            foreach (var (name, module) in model.named_children())
                if (names.Contains(name) && module is Module<Tensor, Tensor> m)
                    m.register_forward_pre_hook(self => self.eval());
        }
    }
}
