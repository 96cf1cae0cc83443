using TransferSharp.Translation;
using static TransferSharp.Tests.Training.MetaDevice;

namespace TransferSharp.Tests.Translation;

/// <summary>
/// The translation model's training step (with its causal mask), greedy and beam decoding and the encoder states with
/// meta as the default device (see <see cref="Training.MetaDevice.AsDefault"/>): every tensor made on the model's device.
/// </summary>
[Collection("Sequential")]
public sealed class TranslationDeviceTests
{
    [Fact]
    public void Training_and_decoding_make_their_tensors_on_the_models_device()
    {
        var splits = NumbersCorpus.Create(new NumbersCorpusOptions { Languages = ["en", "fr"], Maximum = 99, Train = 40, Validation = 4, Test = 4, Seed = 1 });
        var directions = TranslationDirection.ParseList("en-fr");
        var options = new TranslationOptions { ModelSize = 16, Layers = 1, Heads = 2, FeedForward = 32, Epochs = 1, BatchSize = 8, Threads = 1, MaxLength = 32 };
        var (translator, _) = TranslationTrainer.Fit(splits.Train, null, directions, options);
        using (translator)
        {
            var batches = new TranslationBatches(splits.Train, directions, translator.Tokenizer, options.MaxLength);
            foreach (var batch in batches.Epoch(8, 1))   // the enumerator owns the batch: use it inside the loop
            {
                RunWithMetaDefault(new TranslationStep(translator.Model, 0.1), batch);
                break;
            }
            var english = splits.Test.Sentences("en");
            using var meta = AsDefault();
            Assert.Equal(english.Count, translator.Translate(english, "fr", maxLength: 8).Length);
            Assert.Equal(english.Count, translator.Translate(english, "fr", maxLength: 8, beam: 2).Length);
            Assert.Equal(english.Count, translator.EncoderStates(english, "fr").Length);
        }
    }
}
