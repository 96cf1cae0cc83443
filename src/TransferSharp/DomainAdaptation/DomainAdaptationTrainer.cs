using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// Unsupervised domain adaptation: labelled source, unlabelled target, same classes. Runs any method of
/// <see cref="AdaptationMethods.All"/> (the one <see cref="AdaptationOptions.Method"/> names) on the one
/// <see cref="TrainingLoop"/>, so that all are compared step for step on the same batches.
/// </summary>
/// <remarks>
/// <para>Every step draws one labelled batch (x_s, y_s) and, for methods that read the target, one target batch x_t of
/// the same size, cycling the smaller set; an epoch is one pass over the larger set unless
/// <see cref="AdaptationOptions.StepsPerEpoch"/> says otherwise. What a step does with them is the method's
/// (<see cref="IAdaptationMethod.CreateStep"/>); the learning rate follows <see cref="TrainerOptions.Schedule"/> over
/// the progress p in [0, 1].</para>
/// <para>Target labels are used only by methods with <see cref="IAdaptationMethod.UsesTargetLabels"/> and to report the
/// accuracy on <c>targetEvaluation</c>; the returned network is the last epoch's, never one chosen by target accuracy.</para>
/// </remarks>
public sealed class DomainAdaptationTrainer
{
    private readonly AdaptationOptions options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    /// <exception cref="InvalidOptionsException">A bad setting (every one is named).</exception>
    public DomainAdaptationTrainer(AdaptationOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>The options in use.</summary>
    public AdaptationOptions Options => options;

    /// <summary>
    /// Trains <paramref name="model"/> (its feature stages, plus a new bottleneck and head when configured) on labelled
    /// <paramref name="source"/> and unlabelled <paramref name="target"/>; reports source accuracy on
    /// <paramref name="sourceValidation"/> and target accuracy on <paramref name="targetEvaluation"/> after each epoch.
    /// </summary>
    /// <param name="model">A freshly built (or pretrained) classifier for the shared classes.</param>
    /// <param name="source">Labelled source training set.</param>
    /// <param name="target">Target training set; its labels are ignored except by a method with <see cref="IAdaptationMethod.UsesTargetLabels"/>.</param>
    /// <param name="sourceValidation">Labelled source examples for the per-epoch source accuracy (optional).</param>
    /// <param name="targetEvaluation">Labelled target examples for the per-epoch target accuracy (optional; evaluation only).</param>
    /// <param name="progress">Per-step progress, plain numbers.</param>
    /// <param name="cancellation">Stops between steps.</param>
    /// <param name="epochEnded">Called after each epoch (e.g. to save a checkpoint).</param>
    public AdaptationResult Fit(StagedModel model, Dataset source, Dataset target, Dataset? sourceValidation = null,
        Dataset? targetEvaluation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default,
        Action<AdaptationEpoch, AdaptationNetwork>? epochEnded = null)
    {
        var method = options.Method.Method;
        CheckData(method, model, source, target, sourceValidation, targetEvaluation);
        Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        // Construction order is draw order from the seeded generator: the network (bottleneck, head), then the method's modules.
        var network = new AdaptationNetwork(model, options.Bottleneck);
        // On the device before the step collects parameters (moving replaces them); the step puts its own modules there.
        var device = options.ResolveDevice();
        network.MoveTo(device);
        var step = method.CreateStep(network, options.Method);
        try
        {
            using var unlabelledTarget = target.WithoutLabels();
            // SHOT clusters the whole unlabelled target set (never its labels: this copy has none).
            (step as IUnlabelledTargetSet)?.SetTarget(unlabelledTarget);
            using var labelled = new CyclingBatches(method.UsesTargetLabels ? target : source, options.BatchSize, (ulong)options.Seed * 2 + 1);
            using var unlabelled = method.UsesTargetInputs ? new CyclingBatches(unlabelledTarget, options.BatchSize, (ulong)options.Seed * 2 + 2) : null;
            int stepsPerEpoch = options.StepsPerEpoch
                ?? (int)Math.Ceiling(Math.Max(source.Count, target.Count) / (double)options.BatchSize);
            long totalSteps = (long)stepsPerEpoch * options.Epochs;

            IEnumerable<AdaptationBatch> BatchesOf(int epoch)
            {
                for (int i = 0; i < stepsPerEpoch; i++)
                {
                    // The batch's tensors belong to this step: the scope closes when the loop asks for the next batch,
                    // after the step's own (inner) scope, so nothing waits for the finaliser.
                    using var scope = NewDisposeScope();
                    var (xs, ys) = labelled.Next();
                    yield return new AdaptationBatch(xs.On(device), ys!.On(device), unlabelled?.Next().Inputs.On(device));
                }
            }

            var history = new List<AdaptationEpoch>();
            if (options.Select == ModelSelection.SourceAccuracy && sourceValidation is null)
                throw new ArgumentException("selection by source accuracy needs a source validation set");
            if (options.Select == ModelSelection.Dev && sourceValidation is null)
                throw new ArgumentException("selection by DEV needs a source validation set");
            // The validators score a seeded random sample of the unlabelled target training examples, not the first ones:
            // a set stored class by class (the built-in MNIST family is) would give them one or two classes. Target
            // labels are never read here. DEV's domain classifier: as many source training examples against them.
            using var scored = options.ValidatorExamples == 0 ? null : Sample(unlabelledTarget.Inputs, options.ValidatorExamples, options.Seed);
            using var sourceScored = options.ValidatorExamples == 0 ? null : Sample(source.Inputs, options.ValidatorExamples, options.Seed + 1);
            Dictionary<string, Tensor>? best = null;
            double? bestScore = null;
            int selected = 0;
            var hooks = new LoopHooks
            {
                EpochTrained = s =>
                {
                    double? sourceAcc = sourceValidation is null ? null : Metrics.Evaluate(network, sourceValidation).Accuracy;
                    // AdaBN: target statistics from the unlabelled target set, after the source accuracy was measured.
                    (step as ITargetInference)?.PrepareForTarget(unlabelledTarget);
                    double? targetAcc = targetEvaluation is null ? null : Metrics.Evaluate(network, targetEvaluation).Accuracy;
                    double Mean(string key) => s.Extra.TryGetValue(key, out var v) ? v : double.NaN;
                    // The coefficient of the epoch's last step, p = (steps before it) / total.
                    double lastP = ((long)s.Epoch * stepsPerEpoch - 1) / (double)totalSteps;
                    var scores = scored is null || scored.shape[0] < 2 ? new TargetScores(double.NaN, double.NaN, double.NaN)
                        : LabelFreeValidators.Score(network, scored);
                    double dev = scored is null || sourceScored is null || sourceValidation is null || scored.shape[0] < 2
                        || sourceScored.shape[0] < 2 || sourceValidation.Count < 2 ? double.NaN
                        : DeepEmbeddedValidation.Risk(network, sourceScored, scored, sourceValidation.Inputs, sourceValidation.Labels!);
                    history.Add(new AdaptationEpoch(s.Epoch, Mean("classification"), Mean("alignment"), Mean("entropy"), s.Accuracy,
                        Mean("domain_accuracy"), sourceAcc, targetAcc, options.Method.CoefficientAt(lastP), s.LearningRate, s.Seconds,
                        scores.Entropy, scores.InformationMaximisation, scores.Snd, dev));
                    // The kept weights: the last epoch's, or the best by a label-free score (ties keep the earlier epoch).
                    var score = LabelFreeValidators.SelectionScore(options.Select, history[^1]);
                    // Until an epoch has a score, the kept weights are the latest (e.g. DEV without 2 validation examples).
                    if (options.Select == ModelSelection.Last || best is null) selected = s.Epoch;
                    if (score is { } v && !double.IsNaN(v) && (bestScore is null || v > bestScore))
                    {
                        bestScore = v;
                        selected = s.Epoch;
                        if (best is not null) foreach (var t in best.Values) t.Dispose();
                        best = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
                    }
                    return null;   // target labels never choose an epoch (the loop's own selection is off)
                },
                EpochEnded = _ => epochEnded?.Invoke(history[^1], network),
            };
            var result = new TrainingLoop(options).Run(step, BatchesOf, stepsPerEpoch, hooks, progress, cancellation);
            if (best is not null && selected != history.Count) network.load_state_dict(best);
            if (best is not null) foreach (var t in best.Values) t.Dispose();
            network.eval();
            return new AdaptationResult(network, history, (int)result.Steps, selected);
        }
        finally
        {
            (step as IDisposable)?.Dispose();
        }
    }

    /// <summary>At most <paramref name="count"/> rows of <paramref name="inputs"/> <c>(N, ...)</c>, drawn without replacement by a
    /// seeded shuffle, in stored order.</summary>
    internal static Tensor Sample(Tensor inputs, int count, int seed)
    {
        var rows = Enumerable.Range(0, (int)inputs.shape[0]).Select(i => (long)i).ToArray();
        if (count < rows.Length)
        {
            new Random(seed).Shuffle(rows);
            rows = rows[..count];
            Array.Sort(rows);
        }
        using var index = tensor(rows);
        return inputs.index_select(0, index);
    }

    private static void CheckData(IAdaptationMethod method, StagedModel model, Dataset source, Dataset target, Dataset? sourceValidation, Dataset? targetEvaluation)
    {
        var shape = model.Spec.InputShape;
        foreach (var (role, d) in new[] { ("source", source), ("target", target), ("source validation", sourceValidation), ("target evaluation", targetEvaluation) })
        {
            if (d is null) continue;
            if (!d.ExampleShape.SequenceEqual(shape))
                throw new ArgumentException($"{role} set '{d.Name}' has examples of shape {string.Join('x', d.ExampleShape)} but the model takes {string.Join('x', shape)}; resize or convert it");
            if (d.HasLabels && d.ClassCount != model.Spec.ClassCount)
                throw new ArgumentException($"{role} set '{d.Name}' has {d.ClassCount} classes but the model has {model.Spec.ClassCount}");
        }
        if (method.UsesSourceLabels && !source.HasLabels)
            throw new ArgumentException($"source set '{source.Name}' has no labels; domain adaptation needs a labelled source");
        if (method.UsesTargetLabels && !target.HasLabels)
            throw new ArgumentException($"target set '{target.Name}' has no labels, which {method.Name} trains on");
        if (sourceValidation is { HasLabels: false }) throw new ArgumentException($"source validation set '{sourceValidation.Name}' has no labels");
        if (targetEvaluation is { HasLabels: false }) throw new ArgumentException($"target evaluation set '{targetEvaluation.Name}' has no labels");
    }
}
