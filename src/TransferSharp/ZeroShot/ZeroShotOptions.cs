using TransferSharp.Losses;
using TransferSharp.Models;

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
}

/// <summary>How DAP turns predicted attributes into a class.</summary>
public enum DapScoring
{
    /// <summary>Lampert's rule: the class maximising Π_m p(a_m = a_m^y | x) / p(a_m = a_m^y) (attributes binarised at 0.5).</summary>
    Probabilistic,
    /// <summary>The class whose attribute vector is nearest (Euclidean) to the predicted attribute probabilities.</summary>
    Nearest,
}

/// <summary>Settings of the zero-shot trainers. Defaults suit 28x28 images on CPU (measured in bench/zeroshot.md).</summary>
public sealed record ZeroShotOptions
{
    /// <summary>Image network f(x): a <see cref="ModelZoo"/> architecture whose head becomes the method's output layer. Default lenet.</summary>
    public string Architecture { get; init; } = "lenet";
    /// <summary>Passes over the seen-class training images. Default 4.</summary>
    public int Epochs { get; init; } = 4;
    /// <summary>Examples per step. Default 64.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Adam learning rate, with cosine decay. Default 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>L2 weight decay. Default 1e-4.</summary>
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Size of the joint space of the embedding method. Default 64.</summary>
    public int EmbeddingSize { get; init; } = 64;
    /// <summary>The margin k of the max-margin loss. Default 1.</summary>
    public double Margin { get; init; } = 1.0;
    /// <summary>Structured (max over wrong classes, default) or the DeViSE sum.</summary>
    public MaxMarginKind MarginLoss { get; init; } = MaxMarginKind.Structured;
    /// <summary>ConSE's T: how many of the most probable seen classes are combined. Default 3 (clamped to the seen-class count).</summary>
    public int ConseTop { get; init; } = 3;
    /// <summary>DAP's rule from attributes to classes. Default probabilistic.</summary>
    public DapScoring DapScoring { get; init; } = DapScoring.Probabilistic;
    /// <summary>Seeds initialisation and shuffles. Default 0.</summary>
    public int Seed { get; init; }
    /// <summary>CPU threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (!ModelZoo.Architectures.Contains(Architecture))
            e.Add($"architecture '{Architecture}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})");
        if (Epochs < 1) e.Add($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 2) e.Add($"batch size must be at least 2, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) e.Add($"learning rate must be positive, got {LearningRate}");
        if (!(WeightDecay >= 0)) e.Add($"weight decay must be non-negative, got {WeightDecay}");
        if (EmbeddingSize < 2) e.Add($"embedding size must be at least 2, got {EmbeddingSize}");
        if (!(Margin > 0) || double.IsInfinity(Margin)) e.Add($"margin must be positive, got {Margin}");
        if (ConseTop < 1) e.Add($"ConSE top T must be at least 1, got {ConseTop}");
        if (Threads < 0) e.Add($"threads must be non-negative, got {Threads}");
        return e;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void ThrowIfInvalid()
    {
        var e = Validate();
        if (e.Count > 0) throw new ArgumentException(string.Join("; ", e));
    }
}
