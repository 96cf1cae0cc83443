using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>
/// One minibatch of sentence pairs: encoder input <c>(N, S)</c> (<c>&lt;2xx&gt;</c>, characters, <c>&lt;eos&gt;</c>),
/// decoder input <c>(N, T)</c> (<c>&lt;bos&gt;</c>, characters) and the target it should predict <c>(N, T)</c>
/// (characters, <c>&lt;eos&gt;</c>), padded with <see cref="CharTokenizer.Pad"/>; and which direction each pair is.
/// </summary>
public sealed record TranslationBatch(Tensor Source, Tensor DecoderInput, Tensor Target, IReadOnlyList<TranslationDirection> Directions)
{
    /// <summary>This batch with its tensors on <paramref name="device"/> (itself when they are there).</summary>
    internal TranslationBatch On(Device device) => Source.IsOn(device) && DecoderInput.IsOn(device) && Target.IsOn(device) ? this
        : this with { Source = Source.On(device), DecoderInput = DecoderInput.On(device), Target = Target.On(device) };

    /// <summary>Target tokens (not padding): what tokens/s counts.</summary>
    public long Tokens { get; init; }
}

/// <summary>
/// The training pairs of a corpus: every row in every given direction (every row that has both languages, in a sparse
/// corpus), and nothing else, so a direction left out here (a zero-shot one) never reaches the model.
/// </summary>
internal sealed class TranslationBatches
{
    private readonly (int[] Source, int[] Target, TranslationDirection Direction)[] pairs;

    public TranslationBatches(ParallelCorpus corpus, IReadOnlyList<TranslationDirection> directions, ITranslationTokenizer tokenizer, int maxLength)
    {
        var list = new List<(int[], int[], TranslationDirection)>();
        foreach (var d in directions)
            foreach (int r in corpus.RowsWith(d.Source, d.Target))   // every row of a dense corpus; a sparse one's rows with both
            {
                var source = tokenizer.EncodeSource(corpus.Text(r, d.Source), d.Target);
                var target = tokenizer.Encode(corpus.Text(r, d.Target));
                if (source.Length > maxLength + 2 || target.Length + 1 > maxLength + 2)
                    throw new ArgumentException($"{corpus.Source}: row {r + 1} ({d}) is longer than the max length of {maxLength} characters");
                list.Add((source, target, d));
            }
        pairs = list.ToArray();
    }

    public int Count => pairs.Length;

    public int StepsPerEpoch(int batchSize) => (pairs.Length + batchSize - 1) / batchSize;

    /// <summary>
    /// The pairs in an order shuffled with <paramref name="seed"/>, cut into batches of similar lengths (each run of 16
    /// batches' worth is sorted by length, then the batches are shuffled), so that little of a batch is padding; each
    /// batch is disposed when the next is fetched.
    /// </summary>
    public IEnumerable<TranslationBatch> Epoch(int batchSize, ulong seed)
    {
        var rng = new Random((int)(seed % int.MaxValue));
        var order = Enumerable.Range(0, pairs.Length).ToArray();
        rng.Shuffle(order);
        var batches = order.Chunk(batchSize * 16)
            .SelectMany(run => run.OrderBy(i => pairs[i].Target.Length + pairs[i].Source.Length).Chunk(batchSize)).ToArray();
        rng.Shuffle(batches);
        foreach (var members in batches)
        {
            var batch = Make(members.Select(i => pairs[i]).ToArray());
            try
            {
                yield return batch;
            }
            finally
            {
                batch.Source.Dispose();
                batch.DecoderInput.Dispose();
                batch.Target.Dispose();
            }
        }
    }

    private static TranslationBatch Make((int[] Source, int[] Target, TranslationDirection Direction)[] items)
    {
        int n = items.Length, s = items.Max(x => x.Source.Length), t = items.Max(x => x.Target.Length) + 1;
        var source = new long[n * s];
        var input = new long[n * t];
        var output = new long[n * t];
        long tokens = 0;
        for (int i = 0; i < n; i++)
        {
            var (src, tgt, _) = items[i];
            for (int j = 0; j < src.Length; j++) source[i * s + j] = src[j];
            input[i * t] = CharTokenizer.Bos;
            for (int j = 0; j < tgt.Length; j++)
            {
                input[i * t + j + 1] = tgt[j];
                output[i * t + j] = tgt[j];
            }
            output[i * t + tgt.Length] = CharTokenizer.Eos;
            tokens += tgt.Length + 1;
        }
        // Made on the CPU, as the data sets are; the step moves them to the model.
        return new TranslationBatch(tensor(source, [n, s], device: CPU).DetachFromDisposeScope(), tensor(input, [n, t], device: CPU).DetachFromDisposeScope(),
            tensor(output, [n, t], device: CPU).DetachFromDisposeScope(), items.Select(x => x.Direction).ToArray()) { Tokens = tokens };
    }

    /// <summary>Encoder inputs <c>(N, S)</c> on <paramref name="device"/> (null = the CPU) for translating <paramref name="sentences"/>
    /// into <paramref name="target"/>, each cut to <paramref name="maxLength"/> characters.</summary>
    public static Tensor Sources(IReadOnlyList<string> sentences, string target, ITranslationTokenizer tokenizer, int maxLength, Device? device = null)
    {
        var encoded = sentences.Select(x => (int[])[tokenizer.LanguageToken(target), .. tokenizer.Encode(x).Take(maxLength), CharTokenizer.Eos]).ToArray();
        int s = encoded.Max(x => x.Length);
        var ids = new long[encoded.Length * s];
        for (int i = 0; i < encoded.Length; i++)
            for (int j = 0; j < encoded[i].Length; j++) ids[i * s + j] = encoded[i][j];
        return tensor(ids, [encoded.Length, s], device: device ?? CPU);
    }
}
