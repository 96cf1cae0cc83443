using System.Text.Json.Serialization;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>Settings of <see cref="AdaptationExperiment.Run"/>.</summary>
public sealed record AdaptationExperimentOptions
{
    /// <summary>How the method (and the baseline) train. Default: the library's defaults (<see cref="AdaptationMethods.Default"/>).</summary>
    public AdaptationOptions Training { get; init; } = new();

    /// <summary>Also train the source-only baseline, under the same protocol, when the method reads the target (the
    /// "before" picture and the gain). Default true.</summary>
    public bool Baseline { get; init; } = true;

    /// <summary>The most <see cref="FeatureMapPoints"/>: exact t-SNE over both domains keeps a few (2N)² double matrices, about 0.9 GB at 3,000.</summary>
    public const int MaxFeatureMapPoints = 3000;

    /// <summary>Held-out examples per domain in the t-SNE maps of the features (exact t-SNE, O(N²)); 0 = no maps, else 4 to
    /// <see cref="MaxFeatureMapPoints"/>. Default 300.</summary>
    public int FeatureMapPoints { get; init; } = 300;

    /// <summary>t-SNE settings of the maps; null = the defaults, seeded with <see cref="TrainerOptions.Seed"/>.</summary>
    public TsneOptions? FeatureMap { get; init; }

    /// <summary>Names every bad field (the training options' as <c>Training.Field</c>).</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = InvalidOptionsException.Nest(nameof(Training), Training.Validate()).ToList();
        if (FeatureMapPoints is < 0 or 1 or 2 or 3) e.Add(new(nameof(FeatureMapPoints), $"feature map points must be 0 (off) or at least 4, got {FeatureMapPoints}"));
        if (FeatureMapPoints > MaxFeatureMapPoints)
            e.Add(new(nameof(FeatureMapPoints), $"feature map points must be at most {MaxFeatureMapPoints} per domain (exact t-SNE needs memory and time growing with the square), got {FeatureMapPoints}"));
        return e;
    }
}

/// <summary>Which training of an experiment a <see cref="AdaptationRunner"/> is asked to run.</summary>
public enum AdaptationRun
{
    /// <summary>The source-only baseline.</summary>
    Baseline,
    /// <summary>The method under test.</summary>
    Method,
}

/// <summary>
/// Runs one training of an experiment: calls <paramref name="train"/> with a progress sink of the caller's choosing (a
/// progress bar, a scaled stage progress) and returns its result.
/// </summary>
public delegate AdaptationResult AdaptationRunner(AdaptationRun run, Func<IProgress<TrainingProgress>?, AdaptationResult> train);

/// <summary>Examples in each part of a <see cref="DomainPair"/>.</summary>
/// <param name="SourceTrain">Labelled source training examples.</param>
/// <param name="SourceValidation">Held-out source examples.</param>
/// <param name="TargetTrain">Target training examples (labels unused except by target-only).</param>
/// <param name="TargetTest">Held-out target examples.</param>
public sealed record AdaptationSplit(int SourceTrain, int SourceValidation, int TargetTrain, int TargetTest);

/// <summary>The experiment's headline numbers (fractions); absent ones are not written to JSON.</summary>
/// <param name="SourceAccuracy">The method's accuracy on the held-out source.</param>
/// <param name="Steps">Optimisation steps of the method.</param>
/// <param name="TargetAccuracy">The method's accuracy on the held-out target; null when the target is unlabelled.</param>
/// <param name="SourceOnlyTargetAccuracy">The baseline's; null without a baseline or target labels.</param>
/// <param name="GainOverSourceOnly">TargetAccuracy − SourceOnlyTargetAccuracy.</param>
/// <param name="DomainAccuracy">The domain classifier's accuracy on the last epoch's training batches (DANN, CDAN).</param>
/// <param name="InformationMaximisationGain">A label-free check of the gain: the information maximisation score of the
/// kept epoch minus that of the baseline's last epoch (nats), both on the same unlabelled target sample; null without a
/// baseline or validator scores. Over ten digit pairs its sign matched the sign of the accuracy gain in 27 of 30 AdaBN
/// runs and 28 of 30 CDAN runs (bench/dann.md); it cannot check SHOT-IM or SHOT, which maximise the score themselves.</param>
public sealed record AdaptationMetrics(
    double SourceAccuracy,
    int Steps,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TargetAccuracy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? SourceOnlyTargetAccuracy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? GainOverSourceOnly,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DomainAccuracy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? InformationMaximisationGain = null);

/// <summary>
/// What an <see cref="AdaptationExperiment"/> measured, as plain numbers (serialised, this is the adapt command's
/// metrics.json; see docs/metrics/adapt.md), with the trained networks and the feature maps, which are not serialised.
/// Disposing it frees the networks.
/// </summary>
public sealed class AdaptationReport : IDisposable
{
    internal AdaptationReport(AdaptationExperimentOptions options, DomainPair pair, AdaptationResult method, AdaptationResult? baseline,
        AdaptationMetrics metrics, IReadOnlyDictionary<string, double>? perClass, IReadOnlyList<FeaturePoint>? before, IReadOnlyList<FeaturePoint>? after)
    {
        Method = options.Training.Method.Name;
        Seed = options.Training.Seed;
        Options = options.Training;
        Notes = pair.TargetLabelled ? pair.Notes
            : [.. pair.Notes, "target unlabelled: no target accuracy can be measured; its held-out part is split at random and serves the t-SNE pictures only"];
        TargetLabelled = pair.TargetLabelled;
        Split = new AdaptationSplit(pair.SourceTrain.Count, pair.SourceHeldOut.Count, pair.TargetTrain.Count, pair.TargetHeldOut.Count);
        Metrics = metrics;
        SelectedEpoch = method.SelectedEpoch;
        PerClassTargetAccuracy = perClass;
        History = method.History;
        SourceOnlyHistory = baseline?.History;
        Network = method.Network;
        BaselineNetwork = baseline?.Network;
        FeaturesBefore = before;
        FeaturesAfter = after;
    }

    /// <summary>The version of this record's JSON form.</summary>
    [JsonPropertyOrder(-2)]
    public string Schema => "transfersharp.adapt/1";
    /// <summary>The method's name (<see cref="IAdaptationMethod.Name"/>).</summary>
    public string Method { get; }
    /// <summary>The seed of both trainings.</summary>
    public int Seed { get; }
    /// <summary>The method's training options (the baseline's are the same with <see cref="SourceOnly"/>).</summary>
    public AdaptationOptions Options { get; }
    /// <summary>What was done to make the domains match (<see cref="DomainPair.Notes"/>), and the unlabelled-target note.</summary>
    public IReadOnlyList<string> Notes { get; }
    /// <summary>True when the target has labels, so target accuracies were measured.</summary>
    public bool TargetLabelled { get; }
    /// <summary>Examples per part of the pair.</summary>
    public AdaptationSplit Split { get; }
    /// <summary>"target unlabelled: not measured", or null when the target accuracy was measured.</summary>
    public string? TargetAccuracyNote => TargetLabelled ? null : "target unlabelled: not measured";
    /// <summary>The headline numbers.</summary>
    public AdaptationMetrics Metrics { get; }
    /// <summary>The epoch whose weights the metrics and the network are of (<see cref="AdaptationOptions.Select"/>; the last by default).</summary>
    public int SelectedEpoch { get; }
    /// <summary>The method's accuracy per target class on the held-out target; null when unlabelled.</summary>
    public IReadOnlyDictionary<string, double>? PerClassTargetAccuracy { get; }
    /// <summary>The method's per-epoch history.</summary>
    public IReadOnlyList<AdaptationEpoch> History { get; }
    /// <summary>The baseline's per-epoch history; null without a baseline.</summary>
    public IReadOnlyList<AdaptationEpoch>? SourceOnlyHistory { get; }

    /// <summary>True when the method reads the target (an adaptation, not a baseline).</summary>
    [JsonIgnore]
    public bool Adapts => Options.Method.Method.AdaptsToTarget;
    /// <summary>The trained network (the <see cref="SelectedEpoch"/>'s weights).</summary>
    [JsonIgnore]
    public AdaptationNetwork Network { get; }
    /// <summary>The trained baseline network; null without a baseline.</summary>
    [JsonIgnore]
    public AdaptationNetwork? BaselineNetwork { get; }
    /// <summary>t-SNE of the baseline's features of the held-out source and target ("before adaptation"); null without.</summary>
    [JsonIgnore]
    public IReadOnlyList<FeaturePoint>? FeaturesBefore { get; }
    /// <summary>t-SNE of the method's features of the held-out source and target; null when maps are off.</summary>
    [JsonIgnore]
    public IReadOnlyList<FeaturePoint>? FeaturesAfter { get; }

    /// <summary>Frees both networks (and the backbones they wrap).</summary>
    public void Dispose()
    {
        foreach (var n in new[] { Network, BaselineNetwork })
        {
            if (n is null) continue;
            n.Dispose();
            n.Backbone.Dispose();
        }
    }
}

/// <summary>
/// A domain-adaptation method against the source-only baseline under one protocol: both trained from the same seed
/// on the same pair, evaluated on the held-out target (evaluation only: target labels never choose anything), the
/// gain, and t-SNE maps of the features before (baseline) and after (method). What <c>transfer adapt</c> and the tour run.
/// </summary>
public static class AdaptationExperiment
{
    /// <summary>Runs the experiment on <paramref name="pair"/> with fresh <paramref name="spec"/> models.</summary>
    /// <param name="pair">Source and target, split.</param>
    /// <param name="spec">The model both trainings start from (built afresh, seeded, for each).</param>
    /// <param name="options">The method, the protocol.</param>
    /// <param name="runner">Wraps each training (progress display); null = run them plainly.</param>
    /// <param name="cancellation">Stops between steps.</param>
    /// <param name="epochEnded">Called after each epoch of the method's training (e.g. to save a checkpoint).</param>
    /// <exception cref="InvalidOptionsException">A bad setting.</exception>
    public static AdaptationReport Run(DomainPair pair, ModelSpec spec, AdaptationExperimentOptions options, AdaptationRunner? runner = null,
        CancellationToken cancellation = default, Action<AdaptationEpoch, AdaptationNetwork>? epochEnded = null)
    {
        InvalidOptionsException.ThrowIfAny(options.Validate());
        runner ??= (_, train) => train(null);
        var training = options.Training;
        var method = training.Method.Method;
        // Target accuracy is measured only on a labelled target's held-out part.
        var targetEvaluation = pair.TargetLabelled ? pair.TargetHeldOut : null;

        AdaptationResult? baseline = null, result = null;
        try
        {
            if (method.AdaptsToTarget && options.Baseline)
            {
                Seeding.SeedEverything(training.Seed);
                var model = ModelZoo.Create(spec);
                var trainer = new DomainAdaptationTrainer(training with { Method = new SourceOnly.Options() });
                baseline = Train(runner, AdaptationRun.Baseline, model, p => trainer.Fit(model, pair.SourceTrain, pair.TargetTrain,
                    pair.SourceHeldOut, targetEvaluation, p, cancellation));
            }
            Seeding.SeedEverything(training.Seed);
            var methodModel = ModelZoo.Create(spec);
            var methodTrainer = new DomainAdaptationTrainer(training);
            result = Train(runner, AdaptationRun.Method, methodModel, p => methodTrainer.Fit(methodModel, pair.SourceTrain, pair.TargetTrain,
                pair.SourceHeldOut, targetEvaluation, p, cancellation, epochEnded));

            var source = Evaluation.Metrics.Evaluate(result.Network, pair.SourceHeldOut);
            var target = targetEvaluation is null ? null : Evaluation.Metrics.Evaluate(result.Network, targetEvaluation);
            double? baselineTarget = baseline is null || targetEvaluation is null ? null : Evaluation.Metrics.Evaluate(baseline.Network, targetEvaluation).Accuracy;
            double domain = result.Final.DomainAccuracy;
            double imGain = baseline is null ? double.NaN
                : result.History[result.SelectedEpoch - 1].InformationMaximisation - baseline.Final.InformationMaximisation;
            var metrics = new AdaptationMetrics(source.Accuracy, result.Steps, target?.Accuracy,
                target is null ? null : baselineTarget, target is null || baselineTarget is null ? null : target.Accuracy - baselineTarget,
                double.IsNaN(domain) ? null : domain, double.IsFinite(imGain) ? imGain : null);
            var perClass = target is null ? null
                : pair.TargetHeldOut.ClassNames.Zip(target.PerClassAccuracy()).ToDictionary(p => p.First, p => p.Second);

            IReadOnlyList<FeaturePoint>? before = null, after = null;
            if (options.FeatureMapPoints > 0)
            {
                var tsne = options.FeatureMap ?? new TsneOptions { Seed = training.Seed };
                if (baseline is not null)
                    before = FeatureEmbedding.Compute(baseline.Network, pair.SourceHeldOut, pair.TargetHeldOut, options.FeatureMapPoints, tsne);
                after = FeatureEmbedding.Compute(result.Network, pair.SourceHeldOut, pair.TargetHeldOut, options.FeatureMapPoints, tsne);
            }
            return new AdaptationReport(options, pair, result, baseline, metrics, perClass, before, after);
        }
        catch
        {
            foreach (var r in new[] { result, baseline })
                if (r is not null) { r.Network.Dispose(); r.Network.Backbone.Dispose(); }
            throw;
        }
    }

    private static AdaptationResult Train(AdaptationRunner runner, AdaptationRun run, StagedModel model, Func<IProgress<TrainingProgress>?, AdaptationResult> train)
    {
        try
        {
            return runner(run, train);
        }
        catch
        {
            model.Dispose();   // the trainer never returned its network
            throw;
        }
    }
}
