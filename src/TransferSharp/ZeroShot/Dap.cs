using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>
/// Direct attribute prediction (Lampert, Nickisch &amp; Harmeling 2009): learn one classifier per attribute on the seen
/// classes, then recognise any class from the attributes the image shows.
/// </summary>
/// <remarks>
/// The attribute classifiers share the image network: its head has one logistic output per attribute, trained with
/// binary cross-entropy against the attribute row of each image's class (values in [0, 1]; fractions are soft
/// targets). Attributes constant over the seen classes cannot be learned from them and are ignored (listed in
/// <see cref="DapModel.IgnoredAttributes"/>). At test time, with predicted probabilities p_m(x):
/// probabilistic: score(y) = Σ_m log p(a_m = a_m^y | x) − log p(a_m = a_m^y), the prior p(a_m) being the mean of the
/// attribute over the seen classes; nearest: score(y) = −‖p(x) − a^y‖².
/// </remarks>
public sealed class DapTrainer
{
    /// <summary>DAP in <see cref="ZeroShotMethods.All"/>: needs attribute descriptions.</summary>
    public static IZeroShotMethod Method { get; } = new ZeroShotMethodInfo("dap", [], "DAP",
        "direct attribute prediction (Lampert et al. 2009): one classifier per attribute, classes from predicted attributes",
        ZeroShotMethod.Dap, RequireAttributes, (o, d, s, p, c) => new DapTrainer(o).Fit(d, s, p, c));

    private readonly ZeroShotOptions options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public DapTrainer(ZeroShotOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Trains the attribute classifiers on <paramref name="seenTrain"/>, whose class k is described by row k of <paramref name="seen"/>.</summary>
    public DapModel Fit(Dataset seenTrain, ClassDescriptions seen, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ZeroShotModel.RequireAligned(seenTrain, seen);
        RequireAttributes(seen);
        var informative = Enumerable.Range(0, seen.Dimension)
            .Where(a => Enumerable.Range(0, seen.Count).Select(k => seen[k][a]).Distinct().Count() > 1).ToArray();
        if (informative.Length == 0)
            throw new ArgumentException($"{seen.Source}: every attribute has the same value on all seen classes, so none can be learned");
        var priors = informative.Select(a => Enumerable.Range(0, seen.Count).Average(k => seen[k][a] >= 0.5f ? 1.0 : 0.0)).ToArray();

        Seeding.SeedEverything(options.Seed);
        Seeding.SetThreads(options.Threads);
        var network = ModelZoo.Create(new ModelSpec(options.Architecture, seenTrain.ExampleShape, seen.Dimension));
        try
        {
            var device = options.ResolveDevice();
            network.MoveTo(device);   // before its parameters are collected: moving replaces them
            using var classAttributes = seen.ToTensor(device).DetachFromDisposeScope();   // (S, A)
            using var keep = tensor(informative.Select(i => (long)i).ToArray(), device: device).DetachFromDisposeScope();
            var history = ZeroShotStep.Train(network, network.parameters().ToArray(), seenTrain, options,
                (x, y) => Loss(network, classAttributes, keep, x, y), progress, cancellation);
            var ignored = Enumerable.Range(0, seen.Dimension).Except(informative).Select(a => seen.Dimensions[a]).ToArray();
            return new DapModel(network, history, informative, priors, ignored, options.DapScoring);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>DAP needs attribute values that are probabilities: 0/1 or fractions in between.</summary>
    /// <summary>One batch's attribute loss: binary cross-entropy of the informative attributes <paramref name="keep"/>
    /// against each example's class attributes, and how many of them are predicted right.</summary>
    internal static StepResult Loss(StagedModel network, Tensor classAttributes, Tensor keep, Tensor x, Tensor y)
    {
        var logits = network.call(x).index_select(1, keep);                                   // (B, A')
        var targets = classAttributes.index_select(0, y).index_select(1, keep);              // (B, A')
        var loss = functional.binary_cross_entropy_with_logits(logits, targets);
        var right = (logits > 0).eq(targets >= 0.5f).sum().item<long>();
        return new StepResult(loss, right, logits.numel());
    }

    internal static void RequireAttributes(ClassDescriptions d)
    {
        if (d.Kind != DescriptionKind.Attributes)
            throw new ArgumentException($"{d.Source}: DAP needs an attribute table (values in [0, 1]), not {d.Kind switch { DescriptionKind.WordVectors => "word vectors", DescriptionKind.Names => "embedded class names", _ => "embedded sentences" }}; use the embedding, ESZSL or ConSE method");
        for (int k = 0; k < d.Count; k++)
            for (int a = 0; a < d.Dimension; a++)
                if (d[k][a] is < 0 or > 1)
                    throw new ArgumentException($"{d.Source}: DAP needs attribute values in [0, 1], but '{d.Dimensions[a]}' of class '{d.ClassNames[k]}' is {d[k][a]}; rescale the table");
    }
}

/// <summary>A trained DAP model: attribute probabilities from the image, then the class whose attributes explain them best.</summary>
public sealed class DapModel : ZeroShotModel
{
    private readonly long[] informative;
    private readonly double[] priors;

    internal DapModel(StagedModel network, IReadOnlyList<EpochMetrics> history, int[] informative, double[] priors,
        IReadOnlyList<string> ignored, DapScoring scoring) : base(ZeroShotMethod.Dap, network, history)
    {
        this.informative = informative.Select(i => (long)i).ToArray();
        this.priors = priors;
        IgnoredAttributes = ignored;
        Scoring = scoring;
    }

    /// <summary>Attributes constant over the seen classes, left out of training and scoring.</summary>
    public IReadOnlyList<string> IgnoredAttributes { get; }

    /// <summary>Probabilistic or nearest-vector scoring; may be changed after training.</summary>
    public DapScoring Scoring { get; set; }

    /// <summary>Predicted probability of every attribute, <c>(N, A)</c>.</summary>
    public Tensor AttributeProbabilities(Tensor images) => functional.sigmoid(Network.call(images));

    /// <inheritdoc />
    public override Tensor Scores(Tensor images, Tensor descriptions)
    {
        var keep = tensor(informative, device: descriptions.device);
        var p = AttributeProbabilities(images).index_select(1, keep).clamp(1e-4, 1 - 1e-4);   // (N, A')
        var a = descriptions.index_select(1, keep);                                              // (K, A')
        if (Scoring == DapScoring.Nearest)
            return -cdist(p, a).pow(2);                                                          // (N, K)
        var b = (a >= 0.5f).to(ScalarType.Float32);                                              // (K, A')
        var likelihood = p.log().matmul(b.t()) + (1 - p).log().matmul((1 - b).t());             // (N, K)
        var prior = tensor(priors.Select(v => (float)Math.Clamp(v, 1e-3, 1 - 1e-3)).ToArray(), device: descriptions.device);  // (A')
        var priorTerm = b.matmul(prior.log()) + (1 - b).matmul((1 - prior).log());               // (K)
        return likelihood - priorTerm.unsqueeze(0);
    }
}
