using System.Diagnostics;
using TorchSharp.Modules;
using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Losses;
using TransferSharp.Models;
using TransferSharp.Modules;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// Unsupervised domain adaptation: labelled source, unlabelled target, same classes. One training loop for DANN
/// (Ganin &amp; Lempitsky, ICML 2015 / JMLR 2016), the non-adversarial alignments MMD (DAN) and Deep CORAL, and the
/// source-only and trained-on-target baselines, so that all five are compared step for step.
/// </summary>
/// <remarks>
/// <para>Every step draws one source batch (x_s, y_s) and one target batch x_t of the same size, cycling the smaller
/// set; an epoch is one pass over the larger set unless <see cref="AdaptationOptions.StepsPerEpoch"/> says otherwise.
/// Both batches go through the feature extractor together: f = G_f([x_s; x_t]).</para>
/// <para>DANN: L = CE(G_y(f_s), y_s) + BCE(G_d(R_λ(f)), domain), with R_λ the gradient reversal layer, so the
/// domain classifier G_d minimises the domain loss while the features receive −λ times its gradient. MMD and CORAL:
/// L = CE + λ·D(f_s, f_t). λ follows λ(p) = MaxLambda·(2/(1 + e^(−γp)) − 1) and the learning rate μ0/(1 + 10p)^0.75,
/// p the progress in [0, 1]; both can be replaced. Options add CDAN's conditioning of G_d on the predictions and a
/// target-entropy term.</para>
/// <para>Target labels are used only by <see cref="AdaptationMethod.TargetOnly"/> and to report the accuracy on
/// <c>targetEvaluation</c>; the returned network is the last epoch's, never one chosen by target accuracy.</para>
/// </remarks>
public sealed class DomainAdaptationTrainer
{
    private readonly AdaptationOptions options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
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
    /// <param name="target">Target training set; its labels are ignored except by <see cref="AdaptationMethod.TargetOnly"/>.</param>
    /// <param name="sourceValidation">Labelled source examples for the per-epoch source accuracy (optional).</param>
    /// <param name="targetEvaluation">Labelled target examples for the per-epoch target accuracy (optional; evaluation only).</param>
    /// <param name="progress">Per-step progress, plain numbers.</param>
    /// <param name="cancellation">Stops between steps.</param>
    /// <param name="epochEnded">Called after each epoch (e.g. to save a checkpoint).</param>
    public AdaptationResult Fit(StagedModel model, Dataset source, Dataset target, Dataset? sourceValidation = null,
        Dataset? targetEvaluation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default,
        Action<AdaptationEpoch, AdaptationNetwork>? epochEnded = null)
    {
        CheckData(model, source, target, sourceValidation, targetEvaluation);
        Seeding.SetThreads(options.Threads);
        Seeding.SeedEverything(options.Seed);
        var method = options.Method;
        bool targetOnly = method == AdaptationMethod.TargetOnly;
        bool aligns = method is AdaptationMethod.Dann or AdaptationMethod.Mmd or AdaptationMethod.Coral;

        var network = new AdaptationNetwork(model, options.Bottleneck);
        using var discriminator = method == AdaptationMethod.Dann
            ? new DomainDiscriminator(options.Conditional ? network.FeatureCount * network.ClassCount : network.FeatureCount,
                options.DiscriminatorWidth, options.DiscriminatorLayers, options.DiscriminatorBatchNorm)
            : null;
        var parameters = network.parameters().Concat(discriminator?.parameters() ?? []).Where(p => p.requires_grad).ToArray();
        using var optimizer = CreateOptimizer(parameters);

        using var unlabelledTarget = target.WithoutLabels();
        using var labelled = new CyclingBatches(targetOnly ? target : source, options.BatchSize, (ulong)options.Seed * 2 + 1);
        using var unlabelled = aligns ? new CyclingBatches(unlabelledTarget, options.BatchSize, (ulong)options.Seed * 2 + 2) : null;
        int stepsPerEpoch = options.StepsPerEpoch
            ?? (int)Math.Ceiling(Math.Max(source.Count, target.Count) / (double)options.BatchSize);
        long totalSteps = (long)stepsPerEpoch * options.Epochs;

        var history = new List<AdaptationEpoch>();
        var clock = Stopwatch.StartNew();
        long stepsDone = 0;
        double lambda = 0, lr = options.LearningRate;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            network.train();
            discriminator?.train();
            var epochClock = Stopwatch.StartNew();
            var sums = new EpochSums();
            for (int step = 1; step <= stepsPerEpoch; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                double p = stepsDone / (double)totalSteps;
                lambda = options.LambdaAt(p);
                lr = options.LearningRate * Schedules.LearningRateFactor(options.Schedule, p);
                foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;

                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var (xs, ys) = labelled.Next();
                Tensor logitsS, loss;
                if (unlabelled is null)
                {
                    logitsS = network.call(xs);                                            // (B, K)
                    loss = functional.cross_entropy(logitsS, ys!);
                    sums.Classification += loss.item<float>();
                }
                else
                {
                    var xt = unlabelled.Next().Inputs;
                    long b = xs.shape[0];
                    var f = network.Features(cat([xs, xt], 0));                            // (Bs + Bt, F)
                    var logits = network.Classify(f);                                      // (Bs + Bt, K)
                    logitsS = logits.narrow(0, 0, b);
                    var logitsT = logits.narrow(0, b, logits.shape[0] - b);
                    var ce = functional.cross_entropy(logitsS, ys!);
                    var alignment = Alignment(f, logits, b, lambda, discriminator, ref sums);
                    var entropy = Entropy.Mean(logitsT);
                    loss = ce + alignment;
                    if (options.EntropyWeight > 0) loss = loss + options.EntropyWeight * entropy;
                    sums.Classification += ce.item<float>();
                    sums.Entropy += entropy.item<float>();
                }
                loss.backward();
                optimizer.step();

                sums.Correct += logitsS.argmax(1).eq(ys!).sum().item<long>();
                sums.Seen += xs.shape[0];
                sums.Steps++;
                stepsDone++;
                if (progress is not null)
                {
                    double perStep = clock.Elapsed.TotalSeconds / stepsDone;
                    progress.Report(new TrainingProgress(epoch, options.Epochs, step, stepsPerEpoch, sums.Classification / sums.Steps,
                        sums.Correct / (double)sums.Seen, sums.Seen / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds), clock.Elapsed,
                        TimeSpan.FromSeconds(perStep * (totalSteps - stepsDone))));
                }
            }
            double seconds = epochClock.Elapsed.TotalSeconds;
            double? sourceAcc = sourceValidation is null ? null : Metrics.Evaluate(network, sourceValidation).Accuracy;
            double? targetAcc = targetEvaluation is null ? null : Metrics.Evaluate(network, targetEvaluation).Accuracy;
            var record = new AdaptationEpoch(epoch, sums.Classification / sums.Steps,
                aligns ? sums.Alignment / sums.Steps : double.NaN,
                unlabelled is null ? double.NaN : sums.Entropy / sums.Steps,
                sums.Correct / (double)sums.Seen,
                discriminator is null ? double.NaN : sums.DomainCorrect / sums.Steps,
                sourceAcc, targetAcc, lambda, lr, seconds);
            history.Add(record);
            NativeMemory.ReleaseFinalizable();
            epochEnded?.Invoke(record, network);
        }
        network.eval();
        return new AdaptationResult(network, history, (int)stepsDone);
    }

    /// <summary>The method's alignment term (already weighted) for features <c>(2B, F)</c>, logits <c>(2B, K)</c>, source first.</summary>
    private Tensor Alignment(Tensor f, Tensor logits, long b, double lambda, DomainDiscriminator? discriminator, ref EpochSums sums)
    {
        long bt = f.shape[0] - b;
        switch (options.Method)
        {
            case AdaptationMethod.Dann:
            {
                var input = options.Conditional ? DomainAdversarial.ConditionOnPredictions(f, functional.softmax(logits, 1)) : f;
                var d = discriminator!.call(GradientReversal.Reverse(input, lambda));       // (2B, 1)
                var ds = d.narrow(0, 0, b);
                var dt = d.narrow(0, b, bt);
                var loss = DomainAdversarial.Loss(ds, dt);
                sums.Alignment += loss.item<float>();
                sums.DomainCorrect += DomainAdversarial.Accuracy(ds, dt);
                // The discriminator learns at full weight; the reversal layer alone scales what reaches the features.
                return loss;
            }
            case AdaptationMethod.Mmd:
            {
                var loss = Mmd.Loss(f.narrow(0, 0, b), f.narrow(0, b, bt));
                sums.Alignment += loss.item<float>();
                return loss * lambda;
            }
            case AdaptationMethod.Coral:
            {
                var loss = Coral.Loss(f.narrow(0, 0, b), f.narrow(0, b, bt));
                sums.Alignment += loss.item<float>();
                return loss * lambda;
            }
            default:
                throw new InvalidOperationException($"{options.Method} has no alignment term");
        }
    }

    private struct EpochSums
    {
        public double Classification, Alignment, Entropy, DomainCorrect;
        public long Correct, Seen;
        public int Steps;
    }

    private void CheckData(StagedModel model, Dataset source, Dataset target, Dataset? sourceValidation, Dataset? targetEvaluation)
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
        if (options.Method != AdaptationMethod.TargetOnly && !source.HasLabels)
            throw new ArgumentException($"source set '{source.Name}' has no labels; domain adaptation needs a labelled source");
        if (options.Method == AdaptationMethod.TargetOnly && !target.HasLabels)
            throw new ArgumentException($"target set '{target.Name}' has no labels, which the trained-on-target baseline needs");
        if (sourceValidation is { HasLabels: false }) throw new ArgumentException($"source validation set '{sourceValidation.Name}' has no labels");
        if (targetEvaluation is { HasLabels: false }) throw new ArgumentException($"target evaluation set '{targetEvaluation.Name}' has no labels");
    }

    private OptimizerHelper CreateOptimizer(Parameter[] parameters) =>
        Optimizers.Create(options.Optimizer, [new OptimizerGroup(parameters, options.LearningRate, options.WeightDecay)], options.Momentum);
}
