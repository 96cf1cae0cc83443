using TransferSharp.Losses;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.FineTuning;

/// <summary>Weights of the conservative-training terms; all zero (the default) means plain fine-tuning.</summary>
public sealed record ConservativeOptions
{
    /// <summary>L2-SP α: pull of copied, trained weights towards the source's. Default 0 (off); Li et al. used 0.01–0.1.</summary>
    public double StartingPointAlpha { get; init; }
    /// <summary>L2-SP β: weight decay of the new weights. Default 0 (off); Li et al. used 0.01.</summary>
    public double StartingPointBeta { get; init; }
    /// <summary>Learning-without-Forgetting weight λ_o of the output-preservation loss. Default 0 (off); Li &amp; Hoiem used 1.</summary>
    public double DistillationWeight { get; init; }
    /// <summary>Temperature of the softened outputs. Default 2, as in Learning without Forgetting.</summary>
    public double Temperature { get; init; } = 2.0;

    /// <summary>
    /// Parses <c>l2sp=A,l2sp-beta=B,distill=L,temperature=T</c> (any subset, any order; <c>none</c> = all off);
    /// throws <see cref="ArgumentException"/> naming the bad part.
    /// </summary>
    public static ConservativeOptions Parse(string text)
    {
        var options = new ConservativeOptions();
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)) return options;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || !double.TryParse(part[(eq + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v))
                throw new ArgumentException($"'{part}' is not KEY=NUMBER (keys: l2sp, l2sp-beta, distill, temperature)");
            options = part[..eq].Trim().ToLowerInvariant() switch
            {
                "l2sp" or "l2sp-alpha" => options with { StartingPointAlpha = v },
                "l2sp-beta" => options with { StartingPointBeta = v },
                "distill" or "lwf" => options with { DistillationWeight = v },
                "temperature" or "t" => options with { Temperature = v },
                var k => throw new ArgumentException($"'{k}' is not a conservative term (keys: l2sp, l2sp-beta, distill, temperature)"),
            };
        }
        options.ThrowIfInvalid();
        return options;
    }

    /// <inheritdoc />
    public override string ToString() => Enabled
        ? string.Join(",", new[] { ("l2sp", StartingPointAlpha), ("l2sp-beta", StartingPointBeta), ("distill", DistillationWeight) }
            .Where(t => t.Item2 > 0).Select(t => FormattableString.Invariant($"{t.Item1}={t.Item2}"))
            .Append(DistillationWeight > 0 ? FormattableString.Invariant($"temperature={Temperature}") : null).OfType<string>())
        : "none";

    /// <summary>True when any term is on.</summary>
    public bool Enabled => StartingPointAlpha > 0 || StartingPointBeta > 0 || DistillationWeight > 0;

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (StartingPointAlpha < 0 || !double.IsFinite(StartingPointAlpha)) e.Add(new(nameof(StartingPointAlpha), $"L2-SP alpha must be finite and non-negative, got {StartingPointAlpha}"));
        if (StartingPointBeta < 0 || !double.IsFinite(StartingPointBeta)) e.Add(new(nameof(StartingPointBeta), $"L2-SP beta must be finite and non-negative, got {StartingPointBeta}"));
        if (DistillationWeight < 0 || !double.IsFinite(DistillationWeight)) e.Add(new(nameof(DistillationWeight), $"distillation weight must be finite and non-negative, got {DistillationWeight}"));
        if (!(Temperature > 0) || double.IsInfinity(Temperature)) e.Add(new(nameof(Temperature), $"temperature must be positive, got {Temperature}"));
        return e;
    }
    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());

}

/// <summary>
/// Conservative training: keeps a fine-tuned network close to where it started, by its weights (L2-SP,
/// <see cref="StartingPointPenalty"/>) and by its outputs on the source task (Learning without Forgetting,
/// <see cref="Distillation"/>). Both are extra loss terms for the shared training loop, usable together.
/// </summary>
/// <remarks>
/// <para>Learning without Forgetting (Li &amp; Hoiem 2016) keeps the source's head alongside the new one: both read the
/// same (shared, fine-tuned) features. On every target batch x the old head's outputs are compared with the frozen
/// source network's outputs on x: λ_o · T² · KL(softmax(source(x)/T) || softmax(oldHead(features(x))/T)). The old head
/// is trained too. The features are taken from the target model's forward pass (a pre-hook on its head records its
/// input), so no second pass through the backbone is needed.</para>
/// <para>After training, <see cref="OldTaskModel"/> joins the fine-tuned features and the old head into a network for
/// the source task, to measure how much of it was kept.</para>
/// </remarks>
public sealed class ConservativeTraining : IDisposable
{
    private readonly ConservativeOptions options;
    private readonly TransferredModel target;
    private readonly StartingPointPenalty? penalty;
    private readonly StagedModel? teacher;
    private readonly bool teacherWasTraining;
    private readonly StagedModel? oldTask;          // source architecture: its head is the old head being trained
    private readonly Module<Tensor, Tensor>[] oldHead = [];
    private readonly Action? removeCaptureHook;
    private Tensor? headInput;                     // (B, F): the latest input of the target's head, this step only

    /// <summary>Prepares the terms <paramref name="options"/> turn on, for a model built by <see cref="LayerTransfer"/>.</summary>
    public ConservativeTraining(TransferredModel target, StagedModel source, ConservativeOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
        this.target = target;
        if (options.StartingPointAlpha > 0 || options.StartingPointBeta > 0)
            penalty = new StartingPointPenalty(
                target.CopiedParameters().Select(p => p.Parameter).Where(p => p.requires_grad).Cast<Tensor>(),
                target.NewParameters().Select(p => p.Parameter).Where(p => p.requires_grad).Cast<Tensor>(),
                options.StartingPointAlpha, options.StartingPointBeta);
        if (options.DistillationWeight > 0)
        {
            teacher = source;
            teacherWasTraining = source.training;
            source.eval();
            // The old head trains beside the target model, so it lives on its device; the teacher runs where it is.
            oldTask = ModelZoo.Create(source.Spec).MoveTo(Devices.Of(target.Model));
            LayerTransfer.CopyStages(source, oldTask, source.StageNames);
            oldHead = ModulesOf(oldTask, oldTask.StageNames[^1]);
            var targetHead = ModulesOf(target.Model, target.Model.StageNames[^1])[0];
            var hook = targetHead.register_forward_pre_hook((_, input) =>
            {
                headInput = input.alias();   // its own handle: the model releases its intermediate handles as it goes
                return null!;                // input unchanged
            });
            removeCaptureHook = hook.remove;
        }
    }

    /// <summary>Parameters the terms add to training: the old head's (Learning without Forgetting), at the base rate.</summary>
    public IReadOnlyList<ParameterGroupSpec> ExtraParameterGroups =>
        oldTask is null ? [] : [new ParameterGroupSpec(oldTask.StageParameters(oldTask.StageNames[^1]).Select(p => p.Parameter).ToArray())];

    /// <summary>
    /// The extra loss for <see cref="TrainingHooks.ExtraLoss"/>: α·L2-SP + β·decay + λ_o·distillation, from the batch
    /// inputs <c>(B, ...)</c> (the target model's logits are not needed).
    /// </summary>
    public Tensor Loss(Tensor inputs, Tensor logits)
    {
        var total = penalty?.Compute() ?? zeros(1, device: logits.device).squeeze();
        if (oldTask is not null)
        {
            var features = headInput ?? throw new InvalidOperationException("the target model's head did not run before the distillation loss");
            headInput = null;
            var x = features;
            foreach (var m in oldHead) x = m.call(x);                        // (B, K_source)
            Tensor reference;
            using (no_grad()) reference = teacher!.call(inputs.On(Devices.Of(teacher))).On(x.device);   // (B, K_source)
            total = total + Distillation.Loss(x, reference, options.Temperature) * options.DistillationWeight;
        }
        return total;
    }

    /// <summary>Adds the loss and the extra parameters to <paramref name="hooks"/> (whose own groups, if any, are kept).</summary>
    public TrainingHooks Apply(TrainingHooks hooks)
    {
        var groups = (hooks.ParameterGroups ?? target.ParameterGroups()).Concat(ExtraParameterGroups).ToArray();
        var previous = hooks.ExtraLoss;
        return hooks with
        {
            ParameterGroups = groups,
            ExtraLoss = previous is null ? Loss : (x, z) => previous(x, z) + Loss(x, z),
        };
    }

    /// <summary>
    /// With Learning without Forgetting on: a network for the source task made of the target model's current feature
    /// stages and the trained old head (the caller owns it). Null otherwise.
    /// </summary>
    public StagedModel? OldTaskModel()
    {
        if (oldTask is null) return null;
        var model = ModelZoo.Create(oldTask.Spec);
        LayerTransfer.CopyStages(oldTask, model, [oldTask.StageNames[^1]]);
        LayerTransfer.CopyStages(target.Model, model, target.Model.StageNames.Take(target.Model.StageNames.Count - 1));
        return model;
    }

    private static Module<Tensor, Tensor>[] ModulesOf(StagedModel model, string stage)
    {
        var names = model.ModulesOf(stage);
        var children = model.named_children().ToDictionary(c => c.name, c => c.module);
        return names.Select(n => (Module<Tensor, Tensor>)children[n]).ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        removeCaptureHook?.Invoke();
        penalty?.Dispose();
        oldTask?.Dispose();
        if (teacher is not null && teacherWasTraining) teacher.train();
    }
}
