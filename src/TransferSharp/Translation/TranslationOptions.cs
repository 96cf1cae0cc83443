using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>
/// Settings of the multilingual translation trainer: the <see cref="TrainerOptions"/> with defaults measured on a
/// 2-core CPU for the numbers corpus (bench/translate.md), and the Transformer's size.
/// </summary>
public sealed record TranslationOptions : TrainerOptions
{
    /// <summary>The defaults: 12 epochs of 32 pairs, Adam at 3e-3 with cosine decay; the rest as <see cref="TrainerOptions"/>.</summary>
    public TranslationOptions()
    {
        Epochs = 12;
        BatchSize = 32;
        LearningRate = 3e-3;
    }

    /// <summary>Width d of embeddings and layers. Default 64 (on the numbers corpus d = 64 learnt more per CPU second than 128: bench/translate.md).</summary>
    public int ModelSize { get; init; } = 64;
    /// <summary>Encoder layers, and as many decoder layers. Default 2.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Attention heads (must divide <see cref="ModelSize"/>). Default 4.</summary>
    public int Heads { get; init; } = 4;
    /// <summary>Width of each layer's feed-forward block. Default 256.</summary>
    public int FeedForward { get; init; } = 256;
    /// <summary>Dropout in every layer. Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;
    /// <summary>Label smoothing ε of the cross-entropy (Szegedy et al. 2016). Default 0.1.</summary>
    public double LabelSmoothing { get; init; } = 0.1;
    /// <summary>
    /// The tokenizer over all languages: <c>chars</c> (Unicode characters; German compounds and Korean/Japanese numbers
    /// spell out from them) or <c>o200k</c> (GPT-4o's byte-level BPE cut down to the training text's pieces:
    /// <see cref="SubwordTokenizer"/>). Default chars (bench/translate.md compares them).
    /// </summary>
    public string Tokenizer { get; init; } = CharTokenizer.Name;
    /// <summary>Longest sequence in tokens (characters with the default tokenizer; plus the special tokens): longer training sentences are refused, decoding stops here. Default 128.</summary>
    public int MaxLength { get; init; } = 128;

    /// <inheritdoc/>
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = base.Validate().ToList();
        if (ModelSize < 2 || ModelSize % 2 != 0) e.Add(new(nameof(ModelSize), $"model size must be an even number of at least 2, got {ModelSize}"));
        if (Layers < 1) e.Add(new(nameof(Layers), $"layers must be at least 1, got {Layers}"));
        if (Heads < 1 || (ModelSize > 0 && ModelSize % Heads != 0)) e.Add(new(nameof(Heads), $"heads must be at least 1 and divide the model size {ModelSize}, got {Heads}"));
        if (FeedForward < 1) e.Add(new(nameof(FeedForward), $"feed forward must be at least 1, got {FeedForward}"));
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) e.Add(new(nameof(Dropout), $"dropout must be in [0, 1), got {Dropout}"));
        if (LabelSmoothing is < 0 or >= 1 || double.IsNaN(LabelSmoothing)) e.Add(new(nameof(LabelSmoothing), $"label smoothing must be in [0, 1), got {LabelSmoothing}"));
        if (!ITranslationTokenizer.Kinds.Contains(Tokenizer)) e.Add(new(nameof(Tokenizer), $"tokenizer must be one of {string.Join(", ", ITranslationTokenizer.Kinds)}, got '{Tokenizer}'"));
        if (MaxLength < 4) e.Add(new(nameof(MaxLength), $"max length must be at least 4, got {MaxLength}"));
        return e;
    }
}
