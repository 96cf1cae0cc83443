using TransferSharp.Data;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>
/// ConSE, convex combination of semantic embeddings (Norouzi et al. 2014): an ordinary classifier over the seen
/// classes, whose top predictions are mixed into a point of the description space; the nearest class description wins.
/// </summary>
/// <remarks>
/// With p(y|x) from the seen-class classifier and the T most probable seen classes ŷ_1..ŷ_T,
/// f(x) = (1/Z) Σ_{t=1..T} p(ŷ_t|x) s(ŷ_t), Z = Σ_t p(ŷ_t|x), where s(y) is the description of y. The score of a
/// candidate class is the cosine between f(x) and its description. Nothing but the classifier is trained.
/// </remarks>
public sealed class ConSETrainer
{
    /// <summary>ConSE in <see cref="ZeroShotMethods.All"/>: any descriptions.</summary>
    public static IZeroShotMethod Method { get; } = new ZeroShotMethodInfo("conse", [], "ConSE",
        "convex combination of semantic embeddings (Norouzi et al. 2014): seen-class probabilities weigh their descriptions",
        ZeroShotMethod.ConSE, _ => { }, (o, d, s, p, c) => new ConSETrainer(o).Fit(d, s, p, c));

    private readonly ZeroShotOptions options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public ConSETrainer(ZeroShotOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Trains the seen-class classifier on <paramref name="seenTrain"/>; row k of <paramref name="seen"/> describes its class k.</summary>
    public ConSEModel Fit(Dataset seenTrain, ClassDescriptions seen, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var (network, history) = TrainClassifier(options, seenTrain, seen, progress, cancellation);
        return new ConSEModel(network, history, seen.ToTensor(Devices.Of(network)), Math.Min(options.ConseTop, seen.Count));
    }

    /// <summary>The seen-class classifier (cross-entropy over the S seen classes) that ConSE and ESZSL start from.</summary>
    internal static (StagedModel Network, IReadOnlyList<EpochMetrics> History) TrainClassifier(ZeroShotOptions options, Dataset seenTrain,
        ClassDescriptions seen, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        ZeroShotModel.RequireAligned(seenTrain, seen);
        Seeding.SeedEverything(options.Seed);
        Seeding.SetThreads(options.Threads);
        var network = ModelZoo.Create(new ModelSpec(options.Architecture, seenTrain.ExampleShape, seen.Count));
        try
        {
            network.MoveTo(options.ResolveDevice());   // before its parameters are collected: moving replaces them
            var history = ZeroShotStep.Train(network, network.parameters().ToArray(), seenTrain, options, (x, y) =>
            {
                var logits = network.call(x);                                                    // (B, S)
                var loss = functional.cross_entropy(logits, y);
                return new StepResult(loss, logits.argmax(1).eq(y).sum().item<long>(), y.shape[0]);
            }, progress, cancellation);
            return (network, history);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}

/// <summary>A trained ConSE model: seen-class probabilities mixed into the description space.</summary>
public sealed class ConSEModel : ZeroShotModel
{
    private readonly Tensor seenDescriptions;

    internal ConSEModel(StagedModel network, IReadOnlyList<EpochMetrics> history, Tensor seenDescriptions, int top)
        : base(ZeroShotMethod.ConSE, network, history)
    {
        this.seenDescriptions = seenDescriptions.DetachFromDisposeScope();
        Top = top;
    }

    /// <summary>T, the number of seen classes combined.</summary>
    public int Top { get; }

    /// <summary>f(x) = Σ_t p(ŷ_t|x) s(ŷ_t) / Σ_t p(ŷ_t|x) over the top T seen classes: <c>(N, D)</c>.</summary>
    public Tensor Embed(Tensor images) => Combine(functional.softmax(Network.call(images), 1), seenDescriptions, Top);

    /// <inheritdoc />
    public override Tensor Scores(Tensor images, Tensor descriptions) =>
        functional.normalize(Embed(images), p: 2, dim: 1).matmul(functional.normalize(descriptions, p: 2, dim: 1).t());   // (N, K) cosines

    /// <summary>The convex combination of <paramref name="descriptions"/> <c>(S, D)</c> weighted by the top <paramref name="top"/> of <paramref name="probabilities"/> <c>(N, S)</c>.</summary>
    internal static Tensor Combine(Tensor probabilities, Tensor descriptions, int top)
    {
        var (weights, classes) = probabilities.topk(top, dim: 1);                                 // (N, T) each
        long n = probabilities.shape[0], d = descriptions.shape[1];
        var chosen = descriptions.index_select(0, classes.flatten()).view(n, top, d);            // (N, T, D)
        var mixed = (weights.unsqueeze(2) * chosen).sum(1);                                      // (N, D)
        return mixed / weights.sum(1, keepdim: true);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        seenDescriptions.Dispose();
        base.Dispose();
    }
}
