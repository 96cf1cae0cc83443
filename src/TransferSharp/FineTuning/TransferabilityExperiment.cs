using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.FineTuning;

/// <summary>Settings of the transferability experiment. Defaults: a few minutes for LeNet on Fashion-MNIST on 2 cores.</summary>
public sealed record TransferabilityOptions
{
    /// <summary>The network (from <see cref="ModelZoo"/>). Default lenet.</summary>
    public string Architecture { get; init; } = "lenet";
    /// <summary>Training of every network, base and transferred alike; its seed is replaced per run. Default 4 epochs.</summary>
    public TrainingOptions Training { get; init; } = new() { Epochs = 4 };
    /// <summary>Seeds; each trains its own base networks. Default 0, 1, 2.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];
    /// <summary>Training examples per class of each half; null = all (after the test split). Default 300.</summary>
    public int? TrainPerClass { get; init; } = 300;
    /// <summary>Fraction of every class held out for testing. Default 0.2.</summary>
    public double TestFraction { get; init; } = 0.2;
    /// <summary>
    /// With early stopping (<see cref="TrainingOptions.Patience"/> &gt; 0 in <see cref="Training"/>): the fraction of every
    /// class of each half, after the test part, held out as the validation set that stops every network and picks its
    /// best epoch, so that extra epochs do not pose as transfer. Unused without early stopping. Default 0.1.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>(InvalidOptionsException.Nest(nameof(Training), Training.Validate()));
        if (!ModelZoo.Architectures.Contains(Architecture))
            e.Add(new(nameof(Architecture), $"architecture '{Architecture}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})"));
        if (Seeds.Count == 0) e.Add(new(nameof(Seeds), "at least one seed is needed"));
        if (Seeds.Distinct().Count() != Seeds.Count) e.Add(new(nameof(Seeds), "seeds repeat"));
        if (TrainPerClass is < 1) e.Add(new(nameof(TrainPerClass), $"training examples per class must be at least 1, got {TrainPerClass}"));
        if (!(TestFraction is > 0 and < 1)) e.Add(new(nameof(TestFraction), $"test fraction must be in (0, 1), got {TestFraction}"));
        if (Training.Patience > 0 && !(ValidationFraction is > 0 and < 1))
            e.Add(new(nameof(ValidationFraction), $"early stopping needs a validation fraction in (0, 1), got {ValidationFraction}"));
        return e;
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());
}

/// <summary>The four transferred networks of the experiment.</summary>
public enum TransferCondition
{
    /// <summary>First n stages copied from base B and frozen; the rest trained afresh on B.</summary>
    BnB,
    /// <summary>As BnB, the copied stages fine-tuned.</summary>
    BnBPlus,
    /// <summary>First n stages copied from base A and frozen; the rest trained afresh on B.</summary>
    AnB,
    /// <summary>As AnB, the copied stages fine-tuned.</summary>
    AnBPlus,
}

/// <summary>One trained network's test accuracy on half B (half A for base A), with the epochs it trained and the
/// epoch whose weights it kept (the last one without early stopping).</summary>
public sealed record TransferabilityRun(string Network, int CopiedStages, int Seed, double Accuracy, double Seconds, int Epochs, int BestEpoch);

/// <summary>A network's accuracy over seeds: mean, sample standard deviation and the number of seeds.</summary>
public sealed record TransferabilitySummary(string Network, int N, double Mean, double Std, int Count);

/// <summary>Where the experiment is.</summary>
public sealed record TransferabilityProgress(int Done, int Total, string Network, TrainingProgress? Step);

/// <summary>What the experiment measured: every run, and means and standard deviations by network and n.</summary>
public sealed class TransferabilityResult
{
    internal TransferabilityResult(ClassSplit split, IReadOnlyList<string> stages, IReadOnlyList<TransferabilityRun> runs, int trainCountB, int testCountB)
    {
        Split = split;
        Stages = stages;
        Runs = runs;
        TrainCountB = trainCountB;
        TestCountB = testCountB;
    }

    /// <summary>The class halves.</summary>
    public ClassSplit Split { get; }
    /// <summary>The feature stages in order; n copied stages means the first n of these.</summary>
    public IReadOnlyList<string> Stages { get; }
    /// <summary>Every run: networks "baseA", "baseB" (n = 0) and the four conditions for n = 1..L−1.</summary>
    public IReadOnlyList<TransferabilityRun> Runs { get; }
    /// <summary>Training examples of half B.</summary>
    public int TrainCountB { get; }
    /// <summary>Test examples of half B.</summary>
    public int TestCountB { get; }

    /// <summary>Display name of a condition: BnB, BnB+, AnB, AnB+.</summary>
    public static string Name(TransferCondition c) => c switch
    {
        TransferCondition.BnBPlus => "BnB+",
        TransferCondition.AnBPlus => "AnB+",
        _ => c.ToString(),
    };

    /// <summary>Every network's <see cref="Summary"/>: baseA and baseB (n = 0), then the four conditions for each n.</summary>
    public IReadOnlyList<TransferabilitySummary> Summaries =>
    [
        .. new[] { ("baseA", 0), ("baseB", 0) }
            .Concat(Enumerable.Range(1, Stages.Count).SelectMany(n => Enum.GetValues<TransferCondition>().Select(c => (Name(c), n))))
            .Select(x =>
            {
                var (mean, std, count) = Summary(x.Item1, x.Item2);
                return new TransferabilitySummary(x.Item1, x.Item2, mean, std, count);
            }),
    ];

    /// <summary>Mean and sample standard deviation of a network's accuracy over seeds (n = 0 for the bases).</summary>
    public (double Mean, double Std, int Count) Summary(string network, int n)
    {
        var a = Runs.Where(r => r.Network == network && r.CopiedStages == n).Select(r => r.Accuracy).ToArray();
        if (a.Length == 0) return (double.NaN, double.NaN, 0);
        double mean = a.Average();
        double std = a.Length > 1 ? Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1)) : 0;
        return (mean, std, a.Length);
    }
}

/// <summary>
/// The transferability experiment of Yosinski, Clune, Bengio &amp; Lipson (2014), "How transferable are features in
/// deep neural networks?": how general or specific each stage of a network is, measured by copying it.
/// </summary>
/// <remarks>
/// The classes are split into halves A and B; base networks are trained on each. For n = 1..L−1 (L stages including
/// the head), a new network for B takes its first n stages from base B (BnB: a control for co-adaptation between
/// layers) or base A (AnB: transfer between tasks), frozen or fine-tuned ("+"); the rest is newly initialised and
/// trained on B. Every network is tested on B's held-out examples; base B is the reference line.
/// </remarks>
public sealed class TransferabilityExperiment
{
    private readonly TransferabilityOptions options;

    /// <summary>Creates the experiment; the options are validated here.</summary>
    public TransferabilityExperiment(TransferabilityOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Runs every network for every seed on <paramref name="data"/> split by <paramref name="split"/>.</summary>
    public TransferabilityResult Run(Dataset data, ClassSplit split, IProgress<TransferabilityProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        if (!data.HasLabels) throw new ArgumentException($"dataset '{data.Name}' has no labels");
        using var halfA = data.SelectClasses(split.A);
        using var halfB = data.SelectClasses(split.B);
        var (trainA, validationA, testA) = Prepare(halfA);
        var (trainB, validationB, testB) = Prepare(halfB);
        using var _a = trainA;
        using var _va = validationA;
        using var _ta = testA;
        using var _b = trainB;
        using var _vb = validationB;
        using var _tb = testB;

        var specA = new ModelSpec(options.Architecture, data.ExampleShape, split.A.Count);
        var specB = specA with { ClassCount = split.B.Count };
        string[] stages;
        using (var probe = ModelZoo.Create(specB)) stages = probe.StageNames.Take(probe.StageNames.Count - 1).ToArray();
        var conditions = Enum.GetValues<TransferCondition>();
        int total = options.Seeds.Count * (2 + stages.Length * conditions.Length), done = 0;
        var runs = new List<TransferabilityRun>();

        foreach (int seed in options.Seeds)
        {
            var training = options.Training with { Seed = seed };
            using var baseA = TrainBase("baseA", specA, trainA, validationA, testA, training, seed);
            using var baseB = TrainBase("baseB", specB, trainB, validationB, testB, training, seed);
            for (int n = 1; n <= stages.Length; n++)
                foreach (var c in conditions)
                {
                    var name = TransferabilityResult.Name(c);
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    // A seed of its own, so that the new stages do not start from base B's initial weights.
                    var tuning = new FineTuningOptions
                    {
                        Training = options.Training with { Seed = 1000 * seed + 10 * n + (int)c + 1 },
                        Transfer = new LayerTransferOptions
                        {
                            Copy = StageSelection.First(n),
                            Mode = c is TransferCondition.BnB or TransferCondition.AnB ? CopiedStageMode.Frozen : CopiedStageMode.FineTuned,
                        },
                    };
                    var source = c is TransferCondition.BnB or TransferCondition.BnBPlus ? baseB : baseA;
                    var result = new FineTuner(tuning).Fit(source, trainB, validationB, Forward(name, n), cancellation);
                    using var model = result.Model;
                    runs.Add(new TransferabilityRun(name, n, seed, Metrics.Evaluate(model, testB).Accuracy, clock.Elapsed.TotalSeconds,
                        result.Training.History.Count, result.Training.BestEpoch));
                    progress?.Report(new TransferabilityProgress(++done, total, $"{name} n={n} seed {seed}", null));
                }
        }
        return new TransferabilityResult(split, stages, runs, trainB.Count, testB.Count);

        StagedModel TrainBase(string name, ModelSpec spec, Dataset train, Dataset? validation, Dataset test, TrainingOptions training, int seed)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Seeding.SeedEverything(seed);
            var model = ModelZoo.Create(spec);
            var trained = new SupervisedTrainer(training).Fit(model, train, validation, Forward(name, 0), cancellation);
            runs.Add(new TransferabilityRun(name, 0, seed, Metrics.Evaluate(model, test).Accuracy, clock.Elapsed.TotalSeconds,
                trained.History.Count, trained.BestEpoch));
            progress?.Report(new TransferabilityProgress(++done, total, $"{name} seed {seed}", null));
            return model;
        }

        IProgress<TrainingProgress>? Forward(string name, int n) => progress is null ? null
            : new SyncProgress<TrainingProgress>(p => progress.Report(new TransferabilityProgress(done, total, n == 0 ? name : $"{name} n={n}", p)));
    }

    /// <summary>A half's training, validation (only with early stopping; else null) and test parts, each stratified.</summary>
    private (Dataset Train, Dataset? Validation, Dataset Test) Prepare(Dataset half)
    {
        var (rest, test) = half.StratifiedSplit(options.TestFraction, seed: 0);
        Dataset? validation = null;
        if (options.Training.Patience > 0)
        {
            var (train, held) = rest.StratifiedSplit(options.ValidationFraction, seed: 0);
            rest.Dispose();
            (rest, validation) = (train, held);
        }
        if (options.TrainPerClass is not { } k || rest.ClassCounts().Min() <= k) return (rest, validation, test);
        using (rest) return (rest.TakePerClass(k, seed: 0), validation, test);
    }
}
