using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.FineTuning;

/// <summary>One way of starting the target network from the source: which stages are copied, how, and any conservative terms.</summary>
/// <param name="Name">A display name, e.g. <c>copied, frozen</c>.</param>
/// <param name="Transfer">Which stages are copied and whether they are frozen or fine-tuned.</param>
/// <param name="Conservative">L2-SP and Learning without Forgetting terms (none by default).</param>
public sealed record FineTuningVariant(string Name, LayerTransferOptions Transfer, ConservativeOptions Conservative)
{
    /// <summary>Every feature stage copied and frozen: only the head learns.</summary>
    public static FineTuningVariant Frozen { get; } = new("copied, frozen",
        new LayerTransferOptions { Copy = StageSelection.AllFeatures, Mode = CopiedStageMode.Frozen }, new ConservativeOptions());

    /// <summary>Every feature stage copied and fine-tuned at the full learning rate.</summary>
    public static FineTuningVariant FineTuned { get; } = new("copied, fine-tuned",
        new LayerTransferOptions { Copy = StageSelection.AllFeatures, Mode = CopiedStageMode.FineTuned }, new ConservativeOptions());

    /// <summary>As <see cref="FineTuned"/>, with L2-SP (α = 0.01 towards the source's weights, β = 0.001 on the new ones).</summary>
    public static FineTuningVariant StartingPoint { get; } = new("copied, fine-tuned with L2-SP",
        new LayerTransferOptions { Copy = StageSelection.AllFeatures, Mode = CopiedStageMode.FineTuned },
        new ConservativeOptions { StartingPointAlpha = 0.01, StartingPointBeta = 0.001 });

    /// <summary>The three the tour compares: frozen, fine-tuned, fine-tuned with L2-SP.</summary>
    public static IReadOnlyList<FineTuningVariant> Standard { get; } = [Frozen, FineTuned, StartingPoint];
}

/// <summary>Settings of a <see cref="FineTuningExperiment"/>.</summary>
public sealed record FineTuningExperimentOptions
{
    /// <summary>Training of every network (baseline and variants alike; each is seeded with its seed). Default: <see cref="TrainingOptions"/>'s defaults.</summary>
    public TrainingOptions Training { get; init; } = new();
    /// <summary>Also train the source's architecture from scratch on the same data: the baseline of the gains. Default true.</summary>
    public bool Scratch { get; init; } = true;
    /// <summary>The transfer variants, in order. Default <see cref="FineTuningVariant.Standard"/>.</summary>
    public IReadOnlyList<FineTuningVariant> Variants { get; init; } = FineTuningVariant.Standard;

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>(InvalidOptionsException.Nest(nameof(Training), Training.Validate()));
        if (Variants.Count == 0 && !Scratch) e.Add(new(nameof(Variants), "nothing to train: no variants and no from-scratch baseline"));
        foreach (var v in Variants)
        {
            e.AddRange(v.Transfer.Validate().Select(x => x with { Field = "Transfer." + x.Field, Message = $"{v.Name}: {x.Message}" }));
            e.AddRange(v.Conservative.Validate().Select(x => x with { Field = "Conservative." + x.Field, Message = $"{v.Name}: {x.Message}" }));
        }
        if (Variants.Select(v => v.Name).Distinct().Count() != Variants.Count) e.Add(new(nameof(Variants), "variant names repeat"));
        return e;
    }
}

/// <summary>One trained network of the experiment, in plain numbers.</summary>
/// <param name="Name">The variant's name, or <c>from scratch</c>.</param>
/// <param name="CopiedStages">The stages copied from the source (none from scratch).</param>
/// <param name="NewStages">The stages learnt afresh.</param>
/// <param name="Mode">How copied stages were trained.</param>
/// <param name="Conservative">The conservative terms.</param>
/// <param name="TestAccuracy">Accuracy on the held-out test part.</param>
/// <param name="TestLoss">Mean cross-entropy on the test part.</param>
/// <param name="TestCount">Test examples.</param>
/// <param name="BestEpoch">The epoch whose weights were kept (the last without early stopping).</param>
/// <param name="PerClassTestAccuracy">Test accuracy of each class, in class order.</param>
/// <param name="History">Per-epoch training and validation metrics.</param>
public sealed record FineTuningRun(string Name, IReadOnlyList<string> CopiedStages, IReadOnlyList<string> NewStages, CopiedStageMode Mode,
    ConservativeOptions Conservative, double TestAccuracy, double TestLoss, int TestCount, int BestEpoch,
    IReadOnlyList<double> PerClassTestAccuracy, IReadOnlyList<EpochMetrics> History)
{
    /// <summary>Test accuracy minus the from-scratch baseline's; null without a baseline (and for the baseline itself).</summary>
    public double? GainOverScratch { get; init; }
}

/// <summary>What a <see cref="FineTuningExperiment"/> measured.</summary>
/// <param name="Architecture">The source's (and every trained network's) architecture.</param>
/// <param name="ClassNames">The target classes.</param>
/// <param name="TrainCount">Training examples.</param>
/// <param name="ValidationCount">Validation examples (the test part's count when it validates on the test part).</param>
/// <param name="TestCount">Test examples.</param>
/// <param name="Scratch">The from-scratch baseline; null when not trained.</param>
/// <param name="Variants">The transfer variants, in the options' order.</param>
public sealed record FineTuningReport(string Architecture, IReadOnlyList<string> ClassNames, int TrainCount, int ValidationCount, int TestCount,
    FineTuningRun? Scratch, IReadOnlyList<FineTuningRun> Variants);

/// <summary>The report and the trained networks (owned: dispose the outcome to release them).</summary>
public sealed class FineTuningOutcome : IDisposable
{
    internal FineTuningOutcome(FineTuningReport report, StagedModel? scratch, IReadOnlyList<StagedModel> models, IReadOnlyList<StagedModel?> oldTaskModels)
    {
        Report = report;
        ScratchModel = scratch;
        Models = models;
        OldTaskModels = oldTaskModels;
    }

    /// <summary>The numbers.</summary>
    public FineTuningReport Report { get; }
    /// <summary>The network trained from scratch; null without a baseline.</summary>
    public StagedModel? ScratchModel { get; }
    /// <summary>Each variant's trained network, in the report's order.</summary>
    public IReadOnlyList<StagedModel> Models { get; }
    /// <summary>Each variant's old-task network (Learning without Forgetting only; otherwise null).</summary>
    public IReadOnlyList<StagedModel?> OldTaskModels { get; }

    /// <summary>Releases every network.</summary>
    public void Dispose()
    {
        ScratchModel?.Dispose();
        foreach (var m in Models) m.Dispose();
        foreach (var m in OldTaskModels) m?.Dispose();
    }
}

/// <summary>
/// Fine-tuning under one protocol: the source's architecture trained from scratch on the target's training part (the
/// baseline), and each transfer variant (<see cref="FineTuner"/>: layer transfer, frozen or fine-tuned, with optional
/// conservative terms) trained on the same part with the same schedule; all tested on the same held-out part.
/// </summary>
/// <remarks>
/// Every network is seeded with the training seed before it is built, so each one's numbers do not depend on which
/// others run or in what order. The gain of a variant is its test accuracy minus the baseline's (Yosinski et al. 2014
/// compare transferred networks with base networks the same way).
/// </remarks>
public sealed class FineTuningExperiment
{
    /// <summary>The name of the from-scratch baseline in reports.</summary>
    public const string ScratchName = "from scratch";

    private readonly FineTuningExperimentOptions options;

    /// <summary>Creates the experiment; the options are validated here.</summary>
    /// <exception cref="ArgumentException">Bad options, every problem named.</exception>
    public FineTuningExperiment(FineTuningExperimentOptions options)
    {
        InvalidOptionsException.ThrowIfAny(options.Validate());
        this.options = options;
    }

    /// <summary>Trains the baseline and every variant on <paramref name="train"/> and tests them on <paramref name="test"/>.</summary>
    /// <param name="source">The trained source network (not changed).</param>
    /// <param name="train">The target's labelled training part.</param>
    /// <param name="validation">Per-epoch validation (curves, early stopping); null = none.</param>
    /// <param name="test">The held-out test part.</param>
    /// <param name="progress">Training progress of each network.</param>
    /// <param name="cancellation">Stops training.</param>
    /// <exception cref="InvalidOptionsException">A variant's stages cannot be copied from <paramref name="source"/> (checked before any training).</exception>
    public FineTuningOutcome Run(StagedModel source, IBatchSource train, IBatchSource? validation, IBatchSource test,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (!train.HasLabels) throw new ArgumentException($"training set '{train.Name}' has no labels");
        InvalidOptionsException.ThrowIfAny(CopyErrors(source, new ModelSpec(source.Spec.Architecture, train.ExampleShape, train.ClassNames.Count)));
        int runs = options.Variants.Count + (options.Scratch ? 1 : 0), run = 0;
        StagedModel? scratchModel = null;
        var models = new List<StagedModel>();
        var oldTask = new List<StagedModel?>();
        try
        {
            FineTuningRun? scratch = null;
            if (options.Scratch)
            {
                Seeding.SeedEverything(options.Training.Seed);
                scratchModel = ModelZoo.Create(new ModelSpec(source.Spec.Architecture, train.ExampleShape, train.ClassNames.Count));
                var trained = new SupervisedTrainer(options.Training).Fit(scratchModel, train, validation, Forward(run++, ScratchName), cancellation);
                scratch = Score(ScratchName, [], scratchModel.StageNames, CopiedStageMode.FineTuned, new ConservativeOptions(), scratchModel, trained);
            }
            var variants = new List<FineTuningRun>();
            foreach (var v in options.Variants)
            {
                var tuning = new FineTuningOptions { Training = options.Training, Transfer = v.Transfer, Conservative = v.Conservative };
                var result = new FineTuner(tuning).Fit(source, train, validation, Forward(run++, v.Name), cancellation);
                models.Add(result.Model);
                oldTask.Add(result.OldTaskModel);
                var r = Score(v.Name, result.Transferred.CopiedStages, result.Transferred.NewStages, result.Transferred.Mode, v.Conservative,
                    result.Model, result.Training);
                variants.Add(scratch is null ? r : r with { GainOverScratch = r.TestAccuracy - scratch.TestAccuracy });
            }
            var report = new FineTuningReport(source.Spec.Architecture, train.ClassNames.ToArray(), train.Count, validation?.Count ?? 0, test.Count,
                scratch, variants);
            return new FineTuningOutcome(report, scratchModel, models, oldTask);
        }
        catch
        {
            scratchModel?.Dispose();
            foreach (var m in models) m.Dispose();
            foreach (var m in oldTask) m?.Dispose();
            throw;
        }

        FineTuningRun Score(string name, IReadOnlyList<string> copied, IReadOnlyList<string> fresh, CopiedStageMode mode,
            ConservativeOptions conservative, StagedModel model, TrainingResult trained)
        {
            var s = Metrics.Evaluate(model, test);
            return new FineTuningRun(name, copied.ToArray(), fresh.ToArray(), mode, conservative, s.Accuracy, s.Loss, s.Count, trained.BestEpoch,
                s.PerClassAccuracy(), trained.History);
        }

        IProgress<TrainingProgress>? Forward(int index, string name) => progress is null ? null
            : new SyncProgress<TrainingProgress>(p => progress.Report(new ExperimentProgress(index, runs, name, p)));
    }

    // Each variant's stage selection resolved against the source before anything trains; an error's field is
    // Variants[i].Transfer.Copy, so a front end names its option.
    private OptionError[] CopyErrors(StagedModel source, ModelSpec target) => options.Variants.SelectMany((v, i) =>
    {
        try
        {
            v.Transfer.Copy.Resolve(source, target);
            return Array.Empty<OptionError>();
        }
        catch (ArgumentException e)
        {
            return [new OptionError($"Variants[{i}].Transfer.Copy", options.Variants.Count == 1 ? e.Message : $"{v.Name}: {e.Message}")];
        }
    }).ToArray();
}
