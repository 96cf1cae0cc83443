using TorchSharp.Modules;
using TransferSharp.Data;
using TransferSharp.Losses;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>
/// Zero-shot learning by a joint embedding (SJE, Akata et al. 2015; DeViSE, Frome et al. 2013): an image network
/// f(x) and a description network g(y) map into one space, trained so that f(x)·g(y) is largest for the image's own
/// class; an unseen class is recognised through g of its description.
/// </summary>
/// <remarks>
/// f is a <see cref="ModelZoo"/> network whose head projects its features to the joint space; g is linear (with a
/// linear g and f the compatibility f(x)ᵀW a is SJE's bilinear form). Loss: <see cref="MaxMarginEmbedding"/> over the
/// seen classes, max(0, k − f(x_n)·g(y_n) + max_{m≠n} f(x_n)·g(y_m)), or the DeViSE sum over wrong classes.
/// Prediction: the candidate class with the highest f(x)·g(y).
/// </remarks>
public sealed class EmbeddingZeroShotTrainer
{
    /// <summary>The embedding method in <see cref="ZeroShotMethods.All"/>: any descriptions.</summary>
    public static IZeroShotMethod Method { get; } = new ZeroShotMethodInfo("embedding", ["sje"], "embedding",
        "image and description embedded into one space, trained with the max-margin loss (SJE / DeViSE)",
        ZeroShotMethod.Embedding, _ => { }, (o, d, s, p, c) => new EmbeddingZeroShotTrainer(o).Fit(d, s, p, c));

    private readonly ZeroShotOptions options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public EmbeddingZeroShotTrainer(ZeroShotOptions options)
    {
        options.ThrowIfInvalid();
        this.options = options;
    }

    /// <summary>Trains f and g on <paramref name="seenTrain"/>, whose class k is described by row k of <paramref name="seen"/>.</summary>
    public EmbeddingZeroShotModel Fit(Dataset seenTrain, ClassDescriptions seen, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ZeroShotModel.RequireAligned(seenTrain, seen);
        Seeding.SeedEverything(options.Seed);
        Seeding.SetThreads(options.Threads);
        var network = new JointEmbedding(
            ModelZoo.Create(new ModelSpec(options.Architecture, seenTrain.ExampleShape, options.EmbeddingSize)),
            nn.Linear(seen.Dimension, options.EmbeddingSize), options.NormalizeDescriptions);
        try
        {
            var device = options.ResolveDevice();
            network.MoveTo(device);   // before its parameters are collected: moving replaces them
            using var classDescriptions = seen.ToTensor(device).DetachFromDisposeScope();   // (S, D)
            var history = ZeroShotStep.Train(network, network.parameters().ToArray(), seenTrain, options, (x, y) =>
            {
                var scores = network.Scores(x, classDescriptions);                               // (B, S)
                var loss = MaxMarginEmbedding.Loss(scores, y, options.Margin, options.MarginLoss);
                var right = scores.argmax(1).eq(y).sum().item<long>();
                return new StepResult(loss, right, y.shape[0]);
            }, progress, cancellation);
            return new EmbeddingZeroShotModel(network, history);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}

/// <summary>The two networks of the embedding method; field names are the state-dict keys.</summary>
internal sealed class JointEmbedding : Module<Tensor, Tensor>
{
    private readonly StagedModel image;
    private readonly Linear description;
    private readonly bool normalize;

    public JointEmbedding(StagedModel image, Linear description, bool normalize = false) : base(nameof(JointEmbedding))
    {
        this.image = image;
        this.description = description;
        this.normalize = normalize;
        RegisterComponents();
    }

    /// <summary>f(x): images <c>(N, ...)</c> to the joint space <c>(N, E)</c>.</summary>
    public override Tensor forward(Tensor images) => image.call(images);

    /// <summary>g(y): descriptions <c>(K, D)</c> to the joint space <c>(K, E)</c>.</summary>
    public Tensor Describe(Tensor descriptions) =>
        description.call(normalize ? functional.normalize(descriptions, p: 2, dim: 1) : descriptions);

    /// <summary>f(x)·g(y) for every pair: <c>(N, K)</c>.</summary>
    public Tensor Scores(Tensor images, Tensor descriptions) => call(images).matmul(Describe(descriptions).t());
}

/// <summary>A trained joint embedding: score(x, y) = f(x)·g(y).</summary>
public sealed class EmbeddingZeroShotModel : ZeroShotModel
{
    private readonly JointEmbedding network;

    internal EmbeddingZeroShotModel(JointEmbedding network, IReadOnlyList<EpochMetrics> history)
        : base(ZeroShotMethod.Embedding, network, history) => this.network = network;

    /// <summary>f(x) for images <c>(N, ...)</c>: <c>(N, E)</c>.</summary>
    public Tensor EmbedImages(Tensor images) => network.call(images);

    /// <summary>g(y) for descriptions <c>(K, D)</c>: <c>(K, E)</c>.</summary>
    public Tensor EmbedDescriptions(Tensor descriptions) => network.Describe(descriptions);

    /// <inheritdoc />
    public override Tensor Scores(Tensor images, Tensor descriptions) => network.Scores(images, descriptions);
}
