using TransferSharp.Losses;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.ZeroShot;

/// <summary>The zero-shot methods.</summary>
public enum ZeroShotMethod
{
    /// <summary>Direct attribute prediction (Lampert et al. 2009).</summary>
    Dap,
    /// <summary>Image and description embedded into one space, trained with the max-margin loss (SJE / DeViSE).</summary>
    Embedding,
    /// <summary>Convex combination of semantic embeddings (Norouzi et al. 2014).</summary>
    ConSE,
    /// <summary>Embarrassingly simple zero-shot learning: a closed-form bilinear map (Romera-Paredes and Torr 2015).</summary>
    Eszsl,
}

/// <summary>How DAP turns predicted attributes into a class.</summary>
public enum DapScoring
{
    /// <summary>Lampert's rule: the class maximising Π_m p(a_m = a_m^y | x) / p(a_m = a_m^y) (attributes binarised at 0.5).</summary>
    Probabilistic,
    /// <summary>The class whose attribute vector is nearest (Euclidean) to the predicted attribute probabilities.</summary>
    Nearest,
}

/// <summary>
/// Settings of the zero-shot trainers: the <see cref="TrainerOptions"/> with defaults for 28x28 images on CPU (4
/// epochs of 64, Adam at 2e-3 with cosine decay, weight decay 1e-4; measured in bench/zeroshot.md) and the methods' own.
/// </summary>
public sealed record ZeroShotOptions : TrainerOptions
{
    /// <summary>The defaults: 4 epochs, batches of 64, learning rate 2e-3, weight decay 1e-4; the rest as <see cref="TrainerOptions"/>.</summary>
    public ZeroShotOptions()
    {
        Epochs = 4;
        BatchSize = 64;
        LearningRate = 2e-3;
        WeightDecay = 1e-4;
    }

    /// <summary>Image network f(x): a <see cref="ModelZoo"/> architecture whose head becomes the method's output layer. Default lenet.</summary>
    public string Architecture { get; init; } = "lenet";
    /// <summary>Size of the joint space of the embedding method. Default 64.</summary>
    public int EmbeddingSize { get; init; } = 64;
    /// <summary>The margin k of the max-margin loss. Default 1.</summary>
    public double Margin { get; init; } = 1.0;
    /// <summary>Structured (max over wrong classes, default), the DeViSE sum or ALE's rank-weighted sum.</summary>
    public MaxMarginKind MarginLoss { get; init; } = MaxMarginKind.Structured;
    /// <summary>
    /// Embedding method: scale every class description to unit length before g (Xian et al. 2018 found normalised
    /// class vectors help the compatibility models), so no class wins f(x)·g(y) by the length of its vector. Default false.
    /// </summary>
    public bool NormalizeDescriptions { get; init; }
    /// <summary>ConSE's T: how many of the most probable seen classes are combined. Default 3 (clamped to the seen-class count).</summary>
    public int ConseTop { get; init; } = 3;
    /// <summary>DAP's rule from attributes to classes. Default probabilistic.</summary>
    public DapScoring DapScoring { get; init; } = DapScoring.Probabilistic;

    /// <inheritdoc/>
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = base.Validate().ToList();
        if (!ModelZoo.Architectures.Contains(Architecture))
            e.Insert(0, new(nameof(Architecture), $"architecture '{Architecture}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})"));
        // The max-margin and batch-norm paths need two examples per batch.
        int batch = e.FindIndex(x => x.Field == nameof(BatchSize));
        if (batch >= 0) e.RemoveAt(batch);
        if (BatchSize < 2) e.Add(new(nameof(BatchSize), $"batch size must be at least 2, got {BatchSize}"));
        if (EmbeddingSize < 2) e.Add(new(nameof(EmbeddingSize), $"embedding size must be at least 2, got {EmbeddingSize}"));
        if (!(Margin > 0) || double.IsInfinity(Margin)) e.Add(new(nameof(Margin), $"margin must be positive, got {Margin}"));
        if (ConseTop < 1) e.Add(new(nameof(ConseTop), $"ConSE top T must be at least 1, got {ConseTop}"));
        return e;
    }
}
