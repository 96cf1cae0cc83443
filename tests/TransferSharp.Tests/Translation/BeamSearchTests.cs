using TransferSharp.Translation;

namespace TransferSharp.Tests.Translation;

[Collection("Sequential")]
public sealed class BeamSearchTests
{
    /// <summary>
    /// Beam search is a search: it must find outputs the model finds more probable than greedy decoding's (it need not
    /// find better translations: on this small model beam 4 gave chrF 46.3 against greedy's 49.9, with mean
    /// log-probability -8.6 against -11.1; measured 2026-12-05). A beam of one is greedy decoding exactly.
    /// </summary>
    [Fact]
    public void A_beam_of_one_is_greedy_and_a_beam_of_four_finds_more_probable_outputs()
    {
        var splits = NumbersCorpus.Create(new NumbersCorpusOptions { Languages = ["en", "fr"], Maximum = 999, Train = 300, Validation = 20, Test = 60, Seed = 1 });
        var options = new TranslationOptions
        {
            ModelSize = 64, Layers = 1, Heads = 4, FeedForward = 128, Dropout = 0, Epochs = 30, BatchSize = 32, LearningRate = 2e-3, Threads = 1, MaxLength = 64,
        };
        var (translator, _) = TranslationTrainer.Fit(splits.Train, null, TranslationDirection.ParseList("en-fr"), options);
        using (translator)
        {
            var english = splits.Test.Sentences("en");
            var greedy = translator.Translate(english, "fr");
            Assert.Equal(greedy, translator.Translate(english, "fr", beam: 1));
            var beam = translator.Translate(english, "fr", beam: 4, lengthPenalty: 0.6);
            var (g, b) = (Scores(translator, english, greedy, 0.6), Scores(translator, english, beam, 0.6));
            Assert.True(b.Average() > g.Average() + 0.1, $"mean length-normalised log-probability: beam {b.Average():0.00}, greedy {g.Average():0.00}");
            // Per sentence, the beam's pick scores at least as well as greedy's output in nearly every case.
            Assert.True(b.Zip(g).Count(p => p.First >= p.Second - 1e-3) >= 0.9 * english.Count, $"{b.Zip(g).Count(p => p.First >= p.Second - 1e-3)} of {english.Count}");
            Assert.Throws<ArgumentException>(() => translator.Translate(english, "fr", beam: 0));
        }
    }

    /// <summary>Per sentence: the log-probability the model gives <paramref name="outputs"/> then end of sentence (teacher forced), / length^α.</summary>
    private static double[] Scores(Translator t, IReadOnlyList<string> sources, string[] outputs, double alpha)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        t.Model.eval();
        var scores = new double[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            var (memory, pad) = t.Model.Encode(TranslationBatches.Sources([sources[i]], "fr", t.Tokenizer, t.Model.Options.MaxLength));
            var ids = t.Tokenizer.Encode(outputs[i]).Select(x => (long)x).Append(CharTokenizer.Eos).ToArray();
            var input = torch.tensor(new long[] { CharTokenizer.Bos }.Concat(ids[..^1]).ToArray()).unsqueeze(0);
            var logp = t.Model.Decode(memory, pad, input).log_softmax(2)[0];   // (T, V)
            scores[i] = ids.Select((id, k) => (double)logp[k, id].item<float>()).Sum() / Math.Pow(ids.Length, alpha);
        }
        return scores;
    }
}
