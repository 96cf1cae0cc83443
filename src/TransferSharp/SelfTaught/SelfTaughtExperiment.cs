using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>Settings of a <see cref="SelfTaughtExperiment"/>.</summary>
public sealed record SelfTaughtLearnOptions
{
    /// <summary>The autoencoder trained on the unlabelled source.</summary>
    public AutoencoderOptions Autoencoder { get; init; } = new();
    /// <summary>The classifier trained on each kind of features.</summary>
    public FeatureClassifierOptions Classifier { get; init; } = new();
    /// <summary>Components of the PCA baseline (fitted on the source); null = no PCA baseline. Default 50.</summary>
    public int? PcaComponents { get; init; } = 50;
    /// <summary>Fraction of every target class held out for testing. Default 0.5.</summary>
    public double TestFraction { get; init; } = 0.5;
    /// <summary>Labelled target examples per class, one result row each; empty (default) = one row with the whole training part.</summary>
    public IReadOnlyList<int> Shots { get; init; } = [];
    /// <summary>Seeds the target's split and the shots. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        e.AddRange(InvalidOptionsException.Nest(nameof(Autoencoder), Autoencoder.Validate()));
        e.AddRange(InvalidOptionsException.Nest(nameof(Classifier), Classifier.Validate()));
        if (PcaComponents is < 1) e.Add(new("PcaComponents", $"pca components must be at least 1, got {PcaComponents}"));
        if (!(TestFraction is > 0 and < 1)) e.Add(new("TestFraction", $"test fraction must be in (0, 1), got {TestFraction}"));
        foreach (var k in Shots.Where(k => k < 1)) e.Add(new("Shots", $"shots must be at least 1, got {k}"));
        return e;
    }
}

/// <summary>Settings of a <see cref="SelfTaughtClusteringExperiment"/>.</summary>
public sealed record SelfTaughtClusterOptions
{
    /// <summary>
    /// The default autoencoder for clustering: the UFLDL one without its sparsity penalty and with a lighter weight
    /// decay (β = 0, λ = 1e-4). The sparse codes cluster worse than raw pixels (bench/selftaught.md: 41.8 % against
    /// 53.3 % on MNIST with Fashion-MNIST as the source); these, with <see cref="Dec"/> on top, beat raw k-means on
    /// accuracy and NMI on three of the four pairs measured in its section (c) (not on MNIST → optdigits accuracy).
    /// </summary>
    public static AutoencoderOptions DefaultAutoencoder => new() { SparsityWeight = 0, WeightDecay = 1e-4 };

    /// <summary>The autoencoder trained on the unlabelled source. Default <see cref="DefaultAutoencoder"/>.</summary>
    public AutoencoderOptions Autoencoder { get; init; } = DefaultAutoencoder;
    /// <summary>DEC refinement of k-means on the codes (<see cref="DeepEmbeddedClustering"/>), one more result row;
    /// null = none. Default: on, with <see cref="DecOptions"/>' defaults.</summary>
    public DecOptions? Dec { get; init; } = new();
    /// <summary>k-means; its <see cref="KMeansOptions.Clusters"/> is replaced by <see cref="Clusters"/>.</summary>
    public KMeansOptions KMeans { get; init; } = new();
    /// <summary>Clusters; null (default) = the target's class count (which needs labels).</summary>
    public int? Clusters { get; init; }
    /// <summary>Components of the PCA baselines (one fitted on the target, one on the source); null = none. Default 50.</summary>
    public int? PcaComponents { get; init; } = 50;

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        e.AddRange(InvalidOptionsException.Nest(nameof(Autoencoder), Autoencoder.Validate()));
        e.AddRange(InvalidOptionsException.Nest(nameof(KMeans), (KMeans with { Clusters = Clusters ?? 2 }).Validate()));
        if (Dec is not null) e.AddRange(InvalidOptionsException.Nest(nameof(Dec), Dec.Validate()));
        if (Clusters is < 1) e.Add(new("Clusters", $"clusters must be at least 1, got {Clusters}"));
        if (PcaComponents is < 1) e.Add(new("PcaComponents", $"pca components must be at least 1, got {PcaComponents}"));
        return e;
    }
}

/// <summary>The autoencoder's numbers.</summary>
/// <param name="CodeSize">Code units.</param>
/// <param name="TargetReconstructionLoss">Mean reconstruction loss on the whole target.</param>
/// <param name="History">Per epoch on the source.</param>
public sealed record AutoencoderSummary(long CodeSize, double TargetReconstructionLoss, IReadOnlyList<AutoencoderEpoch> History);

/// <summary>The PCA baseline's numbers.</summary>
/// <param name="Components">Components kept.</param>
/// <param name="ExplainedVariance">Fraction of the source's variance they explain.</param>
public sealed record PcaSummary(int Components, double ExplainedVariance);

/// <summary>Example counts of a self-taught learning run.</summary>
/// <param name="Source">Unlabelled source examples.</param>
/// <param name="TrainPool">The target's training part (shots are drawn from it).</param>
/// <param name="Test">The target's held-out test part.</param>
public sealed record SelfTaughtSplitCounts(int Source, int TrainPool, int Test);

/// <summary>One row: a number of labelled examples per class, and the classifier's score on each kind of features.</summary>
/// <param name="Shots">Examples per class, or <c>all</c>.</param>
/// <param name="Train">Labelled training examples.</param>
/// <param name="Scores">One per feature kind, in order (raw, PCA, autoencoder).</param>
public sealed record SelfTaughtLearnRow(string Shots, int Train, IReadOnlyList<FeatureClassifierScore> Scores)
{
    /// <summary>Test accuracy by feature kind.</summary>
    public IReadOnlyDictionary<string, double> TestAccuracy => Scores.ToDictionary(s => s.Features, s => s.TestAccuracy);
}

/// <summary>What a <see cref="SelfTaughtExperiment"/> measured.</summary>
/// <param name="Split">Example counts.</param>
/// <param name="Autoencoder">The autoencoder.</param>
/// <param name="Pca">The PCA baseline; null when not run.</param>
/// <param name="Results">One row per shot count.</param>
public sealed record SelfTaughtLearnReport(SelfTaughtSplitCounts Split, AutoencoderSummary Autoencoder, PcaSummary? Pca, IReadOnlyList<SelfTaughtLearnRow> Results) : ISelfTaughtReport;

/// <summary>k-means on one kind of features.</summary>
/// <param name="Features">The feature kind.</param>
/// <param name="Dimension">Its dimension.</param>
/// <param name="Inertia">Sum of squared distances to the centres.</param>
/// <param name="Score">Accuracy, NMI and ARI against the hidden classes; null for an unlabelled target.</param>
public sealed record SelfTaughtClusterResult(string Features, int Dimension, double Inertia, ClusteringScore? Score);

/// <summary>Example counts of a self-taught clustering run.</summary>
/// <param name="Source">Unlabelled source examples.</param>
/// <param name="Target">Target examples clustered.</param>
public sealed record SelfTaughtClusterCounts(int Source, int Target);

/// <summary>What a <see cref="SelfTaughtClusteringExperiment"/> measured.</summary>
/// <param name="Clusters">k.</param>
/// <param name="Counts">Example counts.</param>
/// <param name="Autoencoder">The autoencoder.</param>
/// <param name="Results">One per feature kind, in order (raw, PCA of the target, PCA of the source, autoencoder, autoencoder + DEC).</param>
/// <param name="Assignments">Each example's cluster, by feature kind.</param>
public sealed record SelfTaughtClusterReport(int Clusters, SelfTaughtClusterCounts Counts, AutoencoderSummary Autoencoder,
    IReadOnlyList<SelfTaughtClusterResult> Results, IReadOnlyDictionary<string, long[]> Assignments) : ISelfTaughtReport;

/// <summary>What both self-taught reports hold.</summary>
public interface ISelfTaughtReport
{
    /// <summary>The autoencoder's numbers.</summary>
    AutoencoderSummary Autoencoder { get; }
}

/// <summary>
/// The two steps of both self-taught experiments, so that a caller can show the autoencoder's training and keep the
/// trained model (to save it, draw its reconstructions) before the features are compared.
/// </summary>
/// <typeparam name="TReport">What the comparison measures.</typeparam>
public interface ISelfTaughtExperiment<TReport> where TReport : ISelfTaughtReport
{
    /// <summary>Trains the autoencoder on the source (the caller owns the model in the result).</summary>
    /// <param name="progress">Per-step progress.</param>
    /// <param name="cancellation">Stops training.</param>
    AutoencoderResult TrainAutoencoder(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default);

    /// <summary>Compares raw inputs, PCA (when asked for) and the codes of <paramref name="autoencoder"/>.</summary>
    /// <param name="autoencoder">The trained autoencoder (stays the caller's).</param>
    /// <param name="status">One line before each step.</param>
    /// <param name="cancellation">Stops the comparison.</param>
    SelfTaughtOutcome<TReport> Run(AutoencoderResult autoencoder, IProgress<string>? status = null, CancellationToken cancellation = default);
}

/// <summary>A finished self-taught run: the report, the feature maps compared (in order) and what they hold.</summary>
/// <typeparam name="TReport">The report's type.</typeparam>
public sealed class SelfTaughtOutcome<TReport> : IDisposable
{
    private readonly IReadOnlyList<IDisposable> owned;

    internal SelfTaughtOutcome(TReport report, IReadOnlyList<FeatureMap> maps, IReadOnlyList<IDisposable> owned)
    {
        Report = report;
        Maps = maps;
        this.owned = owned;
    }

    /// <summary>The numbers.</summary>
    public TReport Report { get; }
    /// <summary>The feature maps compared, in order.</summary>
    public IReadOnlyList<FeatureMap> Maps { get; }

    /// <summary>Releases the PCA fits (the autoencoder stays the caller's).</summary>
    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
    }
}

/// <summary>
/// Self-taught learning (Raina et al. 2007) under one protocol: an autoencoder trained on the unlabelled source, then
/// the same classifier trained on K labelled target examples per class on raw inputs, on PCA of the source (the
/// linear baseline) and on the autoencoder's codes; all tested on one held-out part of the target.
/// </summary>
/// <remarks>
/// The target is split (stratified, the seed) when the experiment is created, and the inputs are checked then (shots
/// within the smallest class, PCA components within the source's examples and dimensions), so bad input fails before
/// any training. Every classifier is seeded by its options; the numbers do not depend on the order of the maps.
/// </remarks>
public sealed class SelfTaughtExperiment : ISelfTaughtExperiment<SelfTaughtLearnReport>, IDisposable
{
    private readonly SelfTaughtLearnOptions options;
    private readonly Dataset source;
    private readonly Dataset target;

    /// <summary>Checks the inputs and splits the target.</summary>
    /// <param name="source">Unlabelled source (labels, if any, are ignored); the caller's.</param>
    /// <param name="target">Labelled target of the source's example shape; the caller's.</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="InvalidOptionsException">A bad setting, or shots or PCA components the data cannot give.</exception>
    /// <exception cref="ArgumentException">An unlabelled target, shapes that differ, or a shape the autoencoder cannot take.</exception>
    public SelfTaughtExperiment(Dataset source, Dataset target, SelfTaughtLearnOptions options)
    {
        InvalidOptionsException.ThrowIfAny(options.Validate());
        if (!target.HasLabels) throw new ArgumentException($"target '{target.Name}': the dataset has no labels to learn from");
        SelfTaughtClusteringExperiment.RequireSameShape(source, target, options.Autoencoder);
        (TrainPool, Test) = target.StratifiedSplit(options.TestFraction, options.Seed);
        var errors = new List<OptionError>();
        int smallest = TrainPool.ClassCounts().Min();
        foreach (var k in options.Shots.Where(k => k > smallest))
            errors.Add(new("Shots", $"shots {k}: the training part of the target has only {smallest} examples in its smallest class"));
        int maxComponents = (int)Math.Min(source.Count, source.ExampleShape.Aggregate(1L, (a, b) => a * b));
        if (options.PcaComponents > maxComponents)
            errors.Add(new("PcaComponents", $"pca components {options.PcaComponents}: at most {maxComponents} (the source's examples or dimensions)"));
        if (errors.Count > 0)
        {
            Dispose();
            throw new InvalidOptionsException(errors);
        }
        this.options = options;
        this.source = source;
        this.target = target;
    }

    /// <summary>The target's training part (shots are drawn from it).</summary>
    public Dataset TrainPool { get; }
    /// <summary>The target's held-out test part.</summary>
    public Dataset Test { get; }

    /// <summary>Trains the autoencoder on the source (the caller owns the model in the result).</summary>
    public AutoencoderResult TrainAutoencoder(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        new AutoencoderTrainer(options.Autoencoder).Fit(source, progress, cancellation);

    /// <summary>Trains the autoencoder, then compares the features (the autoencoder is disposed at the end).</summary>
    public SelfTaughtLearnReport Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var ae = TrainAutoencoder(progress, cancellation);
        using var model = ae.Model;
        using var outcome = Run(ae, null, cancellation);
        return outcome.Report;
    }

    /// <summary>Compares raw inputs, PCA (when asked for) and the codes of <paramref name="autoencoder"/>, for every shot count.</summary>
    /// <param name="autoencoder">The trained autoencoder (stays the caller's).</param>
    /// <param name="status">One line before each step.</param>
    /// <param name="cancellation">Stops the classifiers.</param>
    public SelfTaughtOutcome<SelfTaughtLearnReport> Run(AutoencoderResult autoencoder, IProgress<string>? status = null, CancellationToken cancellation = default)
    {
        var model = autoencoder.Model;
        double targetRecon = model.ReconstructionLoss(target);
        Pca? pca = null;
        if (options.PcaComponents is { } n)
        {
            status?.Report($"PCA ({n} components) on the source");
            pca = Pca.Fit(source, n);
        }
        var maps = new List<FeatureMap> { FeatureMap.Raw() };
        if (pca is not null) maps.Add(FeatureMap.Pca(pca));
        maps.Add(FeatureMap.Encoder(model));
        try
        {
            var classifier = new SelfTaughtLearner(options.Classifier);
            var rows = new List<SelfTaughtLearnRow>();
            IEnumerable<int?> shotList = options.Shots.Count == 0 ? [null] : options.Shots.Select(k => (int?)k);
            foreach (var k in shotList)
            {
                using var train = k is { } kk ? TrainPool.TakePerClass(kk, options.Seed) : null;
                var trainSet = train ?? TrainPool;
                status?.Report($"classifier on {trainSet.Count} labelled target examples ({(k is null ? "all" : $"{k} per class")})");
                var scores = maps.Select(m => classifier.Fit(m, trainSet, Test, cancellation)).ToArray();
                rows.Add(new SelfTaughtLearnRow(k?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all", trainSet.Count, scores));
            }
            var report = new SelfTaughtLearnReport(new SelfTaughtSplitCounts(source.Count, TrainPool.Count, Test.Count),
                new AutoencoderSummary(model.CodeSize, targetRecon, autoencoder.History),
                pca is null ? null : new PcaSummary(pca.Components, pca.ExplainedVarianceRatio.Sum()), rows);
            return new SelfTaughtOutcome<SelfTaughtLearnReport>(report, maps, pca is null ? [] : [pca]);
        }
        catch
        {
            pca?.Dispose();
            throw;
        }
    }

    /// <summary>Releases the target's parts.</summary>
    public void Dispose()
    {
        TrainPool?.Dispose();
        Test?.Dispose();
    }
}

/// <summary>
/// Self-taught clustering (after Dai et al. 2008) under one protocol: an autoencoder trained on the unlabelled source,
/// then k-means on the target's raw inputs, on PCA (fitted on the target, and on the source) and on the autoencoder's
/// codes; each partition scored against the target's hidden classes when it has labels (never used to cluster).
/// </summary>
public sealed class SelfTaughtClusteringExperiment : ISelfTaughtExperiment<SelfTaughtClusterReport>
{
    private readonly SelfTaughtClusterOptions options;
    private readonly Dataset source;
    private readonly Dataset target;

    /// <summary>Checks the inputs.</summary>
    /// <param name="source">Unlabelled source; the caller's.</param>
    /// <param name="target">The target to cluster (labels only score); the caller's.</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="InvalidOptionsException">A bad setting, more clusters than examples, PCA components the data cannot give.</exception>
    /// <exception cref="ArgumentException">Shapes that differ, or a shape the autoencoder cannot take.</exception>
    public SelfTaughtClusteringExperiment(Dataset source, Dataset target, SelfTaughtClusterOptions options)
    {
        InvalidOptionsException.ThrowIfAny(options.Validate());
        RequireSameShape(source, target, options.Autoencoder);
        Clusters = options.Clusters ?? (target.HasLabels ? target.ClassCount
            : throw new InvalidOptionsException([new("Clusters", $"clusters not given: the target '{target.Name}' has no labels to count its classes")]));
        var errors = new List<OptionError>();
        if (target.Count < Clusters) errors.Add(new("Clusters", $"clusters {Clusters}: the target has only {target.Count} examples"));
        long dims = source.ExampleShape.Aggregate(1L, (a, b) => a * b);
        int maxComponents = (int)Math.Min(Math.Min(source.Count, target.Count), dims);
        if (options.PcaComponents > maxComponents)
            errors.Add(new("PcaComponents", $"pca components {options.PcaComponents}: at most {maxComponents} (the examples or dimensions of source and target)"));
        InvalidOptionsException.ThrowIfAny(errors);
        this.options = options;
        this.source = source;
        this.target = target;
    }

    /// <summary>k, the number of clusters.</summary>
    public int Clusters { get; }
    /// <summary>The k-means options used (with <see cref="Clusters"/>).</summary>
    public KMeansOptions KMeans => options.KMeans with { Clusters = Clusters };

    /// <summary>Trains the autoencoder on the source (the caller owns the model in the result).</summary>
    public AutoencoderResult TrainAutoencoder(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        new AutoencoderTrainer(options.Autoencoder).Fit(source, progress, cancellation);

    /// <summary>Clusters the target on raw inputs, PCA (when asked for) and the codes of <paramref name="autoencoder"/>.</summary>
    /// <param name="autoencoder">The trained autoencoder (stays the caller's).</param>
    /// <param name="status">One line before each step.</param>
    /// <param name="cancellation">Stops k-means.</param>
    public SelfTaughtOutcome<SelfTaughtClusterReport> Run(AutoencoderResult autoencoder, IProgress<string>? status = null, CancellationToken cancellation = default)
    {
        var model = autoencoder.Model;
        double targetRecon = model.ReconstructionLoss(target);
        var owned = new List<IDisposable>();
        try
        {
            var maps = new List<FeatureMap> { FeatureMap.Raw() };
            if (options.PcaComponents is { } n)
            {
                var pcaTarget = Pca.Fit(target, n);
                owned.Add(pcaTarget);
                var pcaSource = Pca.Fit(source, n);
                owned.Add(pcaSource);
                maps.Add(FeatureMap.Pca(pcaTarget, $"pca-{n} (target)"));
                maps.Add(FeatureMap.Pca(pcaSource, $"pca-{n} (source)"));
            }
            maps.Add(FeatureMap.Encoder(model));
            var clustering = new SelfTaughtClustering(KMeans);
            var outcomes = new List<ClusteringOutcome>();
            KMeansResult? onCodes = null;
            foreach (var m in maps)
            {
                status?.Report($"k-means on {m.Name} features");
                outcomes.Add(clustering.Cluster(m, target, cancellation, m == maps[^1] ? r => onCodes = r : null));
            }
            if (options.Dec is { } dec)
            {
                // DEC fine-tunes the encoder: a copy, so that the caller's autoencoder stays the one trained on the source.
                status?.Report("DEC refinement of k-means on the codes");
                var refined = Autoencoder.Create(model.InputShape, options.Autoencoder).MoveTo(Devices.Of(model));
                owned.Add(refined);
                refined.load_state_dict(model.state_dict());
                var result = new DeepEmbeddedClustering(dec with { Seed = options.KMeans.Seed }).Fit(refined, target, onCodes!.Centroids, cancellation);
                var decMap = FeatureMap.Encoder(refined, "autoencoder + DEC");
                maps.Add(decMap);
                outcomes.Add(new ClusteringOutcome(decMap.Name, (int)refined.CodeSize, result.Assignments, result.Inertia,
                    target.HasLabels ? ClusteringMetrics.Score(target.LabelArray(), result.Assignments) : null));
            }
            var report = new SelfTaughtClusterReport(Clusters, new SelfTaughtClusterCounts(source.Count, target.Count),
                new AutoencoderSummary(model.CodeSize, targetRecon, autoencoder.History),
                outcomes.Select(o => new SelfTaughtClusterResult(o.Features, o.FeatureDimension, o.Inertia, o.Score)).ToArray(),
                outcomes.ToDictionary(o => o.Features, o => o.Assignments));
            return new SelfTaughtOutcome<SelfTaughtClusterReport>(report, maps, owned);
        }
        catch
        {
            foreach (var d in owned) d.Dispose();
            throw;
        }
    }

    /// <summary>Trains the autoencoder, then clusters (the autoencoder is disposed at the end).</summary>
    public SelfTaughtClusterReport Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var ae = TrainAutoencoder(progress, cancellation);
        using var model = ae.Model;
        using var outcome = Run(ae, null, cancellation);
        return outcome.Report;
    }

    /// <summary>One example shape, a source with examples, and an autoencoder that takes that shape (built once and
    /// dropped, so that a shape it cannot take fails before any training).</summary>
    internal static void RequireSameShape(Dataset source, Dataset target, AutoencoderOptions autoencoder)
    {
        if (!source.ExampleShape.SequenceEqual(target.ExampleShape))
            throw new ArgumentException($"source '{source.Name}' has examples of shape [{string.Join(", ", source.ExampleShape)}] but target '{target.Name}' has " +
                                        $"[{string.Join(", ", target.ExampleShape)}]: resize them (and set their channels) to one shape");
        if (source.Count == 0) throw new ArgumentException($"source '{source.Name}': no examples");
        using var probe = Autoencoder.Create(source.ExampleShape, autoencoder);
    }
}
