using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>
/// A trained multilingual model with its tokenizer: translates sentences into any language it has a token for, by
/// greedy decoding with a length limit. The directions it was trained on are recorded; any other is zero-shot.
/// </summary>
public sealed class Translator : IDisposable
{
    /// <summary>Sentences decoded together (one encoder pass, one decoder pass per output position).</summary>
    private const int Chunk = 256;

    internal Translator(TranslationModel model, ITranslationTokenizer tokenizer, IReadOnlyList<TranslationDirection> trained, IReadOnlyList<EpochMetrics> history)
    {
        Model = model;
        Tokenizer = tokenizer;
        TrainedDirections = trained;
        History = history;
    }

    /// <summary>The encoder-decoder.</summary>
    public TranslationModel Model { get; }
    /// <summary>The shared character vocabulary and language tokens.</summary>
    public ITranslationTokenizer Tokenizer { get; }
    /// <summary>Directions it saw training pairs of.</summary>
    public IReadOnlyList<TranslationDirection> TrainedDirections { get; }
    /// <summary>Per-epoch training metrics (loss, token accuracy; validation: teacher-forced token accuracy).</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>Languages it can translate into.</summary>
    public IReadOnlyList<string> Languages => Tokenizer.Languages;

    /// <summary>
    /// <paramref name="sentences"/> translated into <paramref name="target"/>, until <c>&lt;eos&gt;</c> or
    /// <paramref name="maxLength"/> characters (default: the model's). <paramref name="beam"/> 1 is greedy decoding (at
    /// every position the most probable next character, sentences decoded in batches); more keeps that many prefixes
    /// per sentence (<see cref="BeamSearch"/>) and ranks finished ones by log-probability / length^<paramref name="lengthPenalty"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A target language the model has no token for, or a beam below 1.</exception>
    public string[] Translate(IReadOnlyList<string> sentences, string target, int? maxLength = null, int beam = 1, double lengthPenalty = 0.6)
    {
        Tokenizer.LanguageToken(target);
        if (beam < 1) throw new ArgumentException($"beam must be at least 1, got {beam}", nameof(beam));
        if (!double.IsFinite(lengthPenalty) || lengthPenalty < 0) throw new ArgumentException($"length penalty must be 0 or more, got {lengthPenalty}", nameof(lengthPenalty));
        int limit = Math.Min(maxLength ?? Model.Options.MaxLength, Model.Options.MaxLength);
        var result = new string[sentences.Count];
        bool wasTraining = Model.training;
        var device = Devices.Of(Model);
        Model.eval();
        try
        {
            for (int start = 0; start < sentences.Count; start += Chunk)
            {
                var part = sentences.Skip(start).Take(Chunk).ToArray();
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var (memory, pad) = Model.Encode(TranslationBatches.Sources(part, target, Tokenizer, Model.Options.MaxLength, device));
                if (beam > 1)
                {
                    for (int i = 0; i < part.Length; i++)
                        result[start + i] = Tokenizer.Decode(BeamSearch.Decode(Model, memory.narrow(1, i, 1), pad.narrow(0, i, 1), beam, limit, lengthPenalty).Select(x => (int)x));
                    continue;
                }
                var ys = full(part.Length, 1, CharTokenizer.Bos, ScalarType.Int64, device: device);
                var done = zeros(part.Length, ScalarType.Bool, device: device);
                for (int t = 0; t < limit; t++)
                {
                    var next = Model.Decode(memory, pad, ys).select(1, -1).argmax(1);   // (N)
                    next = where(done, tensor(CharTokenizer.Pad, device: device), next);
                    ys = cat([ys, next.unsqueeze(1)], 1);
                    done = done.logical_or(next.eq(CharTokenizer.Eos));
                    if (done.all().item<bool>()) break;
                }
                var ids = ys.ToArrayOnCpu<long>();
                int width = (int)ys.shape[1];
                for (int i = 0; i < part.Length; i++)
                    result[start + i] = Tokenizer.Decode(ids.Skip(i * width + 1).Take(width - 1).Select(x => (int)x));
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
        return result;
    }

    /// <summary>
    /// The encoder's view of each sentence: states averaged over its non-padding positions, <c>(N, d)</c> as rows of
    /// doubles (the "sequence language" of the lecture; the input starts with <paramref name="target"/>'s token).
    /// </summary>
    public double[][] EncoderStates(IReadOnlyList<string> sentences, string target)
    {
        var rows = new List<double[]>();
        bool wasTraining = Model.training;
        var device = Devices.Of(Model);
        Model.eval();
        try
        {
            for (int start = 0; start < sentences.Count; start += Chunk)
            {
                var part = sentences.Skip(start).Take(Chunk).ToArray();
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var (memory, pad) = Model.Encode(TranslationBatches.Sources(part, target, Tokenizer, Model.Options.MaxLength, device));   // (S, N, d), (N, S)
                var keep = pad.logical_not().to_type(ScalarType.Float32).transpose(0, 1).unsqueeze(2);       // (S, N, 1)
                var mean = (memory * keep).sum(dim: 0) / keep.sum(dim: 0);   // (N, d); a literal 0 alone would bind to sum(ScalarType)
                var values = mean.ToArrayOnCpu<float>();
                int d = (int)mean.shape[1];
                for (int i = 0; i < part.Length; i++) rows.Add(values.Skip(i * d).Take(d).Select(v => (double)v).ToArray());
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
        return rows.ToArray();
    }

    /// <summary>Writes the weights and a JSON sidecar (tokenizer, sizes, trained directions); see <see cref="TranslationCheckpoint"/>.</summary>
    public void Save(string weightsPath) => TranslationCheckpoint.Save(weightsPath, this);

    /// <summary>Reads a translator saved by <see cref="Save"/>.</summary>
    public static Translator Load(string weightsPath) => TranslationCheckpoint.Load(weightsPath);

    /// <summary>Loads a translator saved by <see cref="Save"/> and moves its model to <paramref name="device"/>
    /// (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>, see <see cref="DeviceChoice"/>).</summary>
    public static Translator Load(string weightsPath, string device)
    {
        var translator = TranslationCheckpoint.Load(weightsPath);
        translator.Model.MoveTo(DeviceChoice.Resolve(device));
        return translator;
    }

    /// <inheritdoc/>
    public void Dispose() => Model.Dispose();
}
