using TransferSharp.Translation;

namespace TransferSharp.Tests.Translation;

[Collection("Sequential")]
public sealed class TranslatorTests
{
    private static readonly TranslationOptions Tiny = new()
    {
        ModelSize = 64, Layers = 1, Heads = 4, FeedForward = 128, Dropout = 0, Epochs = 30, BatchSize = 32, LearningRate = 2e-3, Threads = 1, MaxLength = 64,
    };

    private static CorpusSplits Numbers(int train, int maximum = 999) =>
        NumbersCorpus.Create(new NumbersCorpusOptions { Languages = ["en", "fr", "de"], Maximum = maximum, Train = train, Validation = 20, Test = 40, Seed = 1 });

    [Fact]
    public void The_language_token_routes_one_input_into_two_languages()
    {
        var splits = Numbers(300);
        var (translator, training) = TranslationTrainer.Fit(splits.Train, splits.Validation, TranslationDirection.ParseList("en-fr,en-de"), Tiny);
        using (translator)
        {
            Assert.True(training.Steps > 0 && training.TokensPerSecond > 0);
            var english = splits.Test.Sentences("en");
            var french = translator.Translate(english, "fr");
            var german = translator.Translate(english, "de");
            var id = new LanguageIdentifier(splits.Train);
            // Same inputs, only the first token differs: the outputs must be in the language asked for.
            Assert.True(id.WrongLanguageRate(french, "fr") < 0.1, $"<2fr> gave {id.WrongLanguageRate(french, "fr"):P0} non-French: {string.Join(" | ", french.Take(3))}");
            Assert.True(id.WrongLanguageRate(german, "de") < 0.1, $"<2de> gave {id.WrongLanguageRate(german, "de"):P0} non-German: {string.Join(" | ", german.Take(3))}");
            // And they translate, not just sound right: chrF against the references well above that of swapped references.
            double chrF = TranslationMetrics.ChrF(french, splits.Test.Sentences("fr"));
            double shuffled = TranslationMetrics.ChrF(french, splits.Test.Sentences("fr").Reverse().ToArray());
            Assert.True(chrF > shuffled + 15, $"{string.Join(" | ", french.Take(3))} chrF {chrF:0.0} vs {shuffled:0.0} against unrelated references");
        }
    }

    [Fact]
    public void A_zero_shot_direction_never_appears_in_training_batches()
    {
        var splits = Numbers(120);
        var train = TranslationDirection.ParseList("en-fr,fr-en,en-de,de-en");
        var seen = new HashSet<TranslationDirection>();
        long batches = 0;
        var (translator, _) = TranslationTrainer.Fit(splits.Train, null, train, Tiny with { Epochs = 2 }, observe: b =>
        {
            batches++;
            foreach (var d in b.Directions) seen.Add(d);
            // The encoder input's first token says which language to write: never French for German input or vice versa.
            var first = b.Source.select(1, 0).data<long>().ToArray();
            Assert.Equal(b.Directions.Count, first.Length);
        });
        using (translator)
        {
            Assert.True(batches >= 2 * (4 * 120 / 32));
            Assert.Equal(train.ToHashSet(), seen);
            Assert.DoesNotContain(new TranslationDirection("fr", "de"), seen);
            Assert.DoesNotContain(new TranslationDirection("de", "fr"), seen);
        }
    }

    [Fact]
    public void A_checkpoint_round_trip_decodes_identically()
    {
        var splits = Numbers(100);
        var dir = Path.Combine(Path.GetTempPath(), $"translate-{Guid.NewGuid():N}");
        var (translator, _) = TranslationTrainer.Fit(splits.Train, null, TranslationDirection.ParseList("en-fr,fr-en"), Tiny with { Epochs = 2 });
        try
        {
            using (translator)
            {
                var path = Path.Combine(dir, "model.pt");
                translator.Save(path);
                var input = splits.Test.Sentences("en");
                var before = translator.Translate(input, "fr");
                using var loaded = Translator.Load(path);
                Assert.Equal(before, loaded.Translate(input, "fr"));
                Assert.Equal(translator.TrainedDirections, loaded.TrainedDirections);
                Assert.Equal(((CharTokenizer)translator.Tokenizer).Characters, ((CharTokenizer)loaded.Tokenizer).Characters);
                Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
                var states = loaded.EncoderStates(input, "fr");
                Assert.Equal(input.Count, states.Length);
                Assert.All(states, s => Assert.Equal(loaded.Model.Options.ModelSize, s.Length));
                var map = SequenceLanguageMap.Compute(loaded, splits.Test, ["en", "fr"], "fr", meanings: 6);
                Assert.Equal(12, map.Count);
                Assert.Equal(6, map.Count(p => p.Language == 1));
                Assert.All(map, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
        var missing = Assert.Throws<FileNotFoundException>(() => Translator.Load(Path.Combine(dir, "model.pt")));
        Assert.Contains("no such checkpoint", missing.Message);
    }

    [Fact]
    public void Experiment_refuses_a_zero_shot_direction_that_is_trained_or_unlearnable()
    {
        string[] languages = ["en", "fr", "de"];
        var trained = new TranslationExperimentOptions { Train = TranslationDirection.ParseList("en-fr,fr-en"), ZeroShot = TranslationDirection.ParseList("fr-en") };
        Assert.Contains(trained.Validate(languages), e => e.Message.Contains("also a training direction"));
        var unlearnable = trained with { ZeroShot = TranslationDirection.ParseList("fr-de") };
        Assert.Contains(unlearnable.Validate(languages), e => e.Message.Contains("never learns to write it"));
        var unknown = trained with { ZeroShot = TranslationDirection.ParseList("fr-it") };
        Assert.Contains(unknown.Validate(languages), e => e.Message.Contains("no language 'it'"));
        var good = new TranslationExperimentOptions { Train = TranslationDirection.ParseList("en-fr,fr-en,en-de,de-en"), ZeroShot = TranslationDirection.ParseList("fr-de") };
        Assert.Empty(good.Validate(languages));
        Assert.True(TranslationExperiment.CanBridge(good, good.ZeroShot[0]));
    }
}
