using TorchSharp.Modules;

namespace TransferSharp.Translation;

/// <summary>
/// The multilingual Transformer of Johnson et al. (2017), "Google's Multilingual Neural Machine Translation System":
/// one encoder-decoder (Vaswani et al. 2017) for every language pair, one shared character vocabulary, and the wanted
/// output language given as a token <c>&lt;2xx&gt;</c> at the start of the input. Nothing else tells the model which
/// pair it translates, so a pair never trained on (zero-shot) is reached by combining what the other pairs taught.
/// </summary>
/// <remarks>
/// Embeddings are shared by encoder, decoder and output layer (logits = h Eᵀ, Press &amp; Wolf 2017), scaled by √d
/// and added to fixed sinusoidal positions PE(p, 2i) = sin(p / 10000^(2i/d)), PE(p, 2i+1) = cos(p / 10000^(2i/d)).
/// The layers are TorchSharp's (libtorch's) <c>TransformerEncoderLayer</c> and <c>TransformerDecoderLayer</c>
/// (post-norm, ReLU), which take sequence-first tensors <c>(S, N, d)</c>.
/// </remarks>
public sealed class TranslationModel : Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly ModuleList<TransformerEncoderLayer> encoder;
    private readonly ModuleList<TransformerDecoderLayer> decoder;
    private readonly Tensor positions;   // (MaxLength, d): a buffer, saved with the weights
    private readonly double scale;

    /// <summary>A model of <paramref name="vocabularySize"/> tokens sized by <paramref name="options"/> (initialised from the global generator).</summary>
    public TranslationModel(int vocabularySize, TranslationOptions options) : base(nameof(TranslationModel))
    {
        options.ThrowIfInvalid();
        Options = options;
        VocabularySize = vocabularySize;
        int d = options.ModelSize;
        embedding = Embedding(vocabularySize, d, padding_idx: CharTokenizer.Pad);
        using (no_grad()) init.normal_(embedding.weight!, 0, Math.Pow(d, -0.5)).index_fill_(0, tensor(new long[] { CharTokenizer.Pad }), 0);
        encoder = new ModuleList<TransformerEncoderLayer>(Enumerable.Range(0, options.Layers)
            .Select(_ => TransformerEncoderLayer(d, options.Heads, options.FeedForward, options.Dropout)).ToArray());
        decoder = new ModuleList<TransformerDecoderLayer>(Enumerable.Range(0, options.Layers)
            .Select(_ => TransformerDecoderLayer(d, options.Heads, options.FeedForward, options.Dropout)).ToArray());
        positions = Sinusoids(options.MaxLength + 2, d);
        scale = Math.Sqrt(d);
        RegisterComponents();
    }

    /// <summary>The sizes it was built with.</summary>
    public TranslationOptions Options { get; }

    /// <summary>Tokens in the shared vocabulary.</summary>
    public int VocabularySize { get; }

    /// <summary>Teacher-forced logits <c>(N, T, V)</c> of <paramref name="source"/> <c>(N, S)</c> and the decoder input <paramref name="target"/> <c>(N, T)</c>.</summary>
    public override Tensor forward(Tensor source, Tensor target)
    {
        var (memory, sourcePad) = Encode(source);
        return Decode(memory, sourcePad, target);
    }

    /// <summary>Encoder states <c>(S, N, d)</c> and the source padding mask <c>(N, S)</c> (true = padding).</summary>
    public (Tensor Memory, Tensor SourcePadding) Encode(Tensor source)
    {
        var pad = source.eq(CharTokenizer.Pad);
        var x = Embed(source);
        foreach (var layer in encoder) x = layer.call(x, null, pad);
        return (x, pad);
    }

    /// <summary>Logits <c>(N, T, V)</c> for every position of <paramref name="target"/> <c>(N, T)</c>, each seeing only the positions before it.</summary>
    public Tensor Decode(Tensor memory, Tensor sourcePadding, Tensor target)
    {
        long t = target.shape[1];
        // Additive causal mask (T, T): -inf above the diagonal.
        var causal = full(t, t, float.NegativeInfinity, device: target.device).triu(1);
        var targetPad = target.eq(CharTokenizer.Pad);
        var x = Embed(target);
        foreach (var layer in decoder) x = layer.call(x, memory, causal, null, targetPad, sourcePadding);
        return functional.linear(x.transpose(0, 1), embedding.weight!);   // (N, T, d) x (V, d)ᵀ
    }

    /// <summary><c>(N, L)</c> ids → <c>(L, N, d)</c>: scaled embeddings plus positions.</summary>
    private Tensor Embed(Tensor ids)
    {
        long length = ids.shape[1];
        if (length > positions.shape[0])
            throw new ArgumentException($"a sequence of {length} tokens is longer than the model's {positions.shape[0]} positions (max length {Options.MaxLength})");
        return (embedding.call(ids) * scale + positions.narrow(0, 0, length)).transpose(0, 1);
    }

    private static Tensor Sinusoids(int length, int d)
    {
        var pe = new float[length * d];
        for (int p = 0; p < length; p++)
            for (int i = 0; i < d; i += 2)
            {
                double angle = p / Math.Pow(10000, i / (double)d);
                pe[p * d + i] = (float)Math.Sin(angle);
                pe[p * d + i + 1] = (float)Math.Cos(angle);
            }
        return tensor(pe, [length, d]).DetachFromDisposeScope();
    }
}
