using System.Text;
using TransferSharp.Training;
using TransferSharp.Translation;

namespace TransferSharp.Tests.Translation;

[Collection("Sequential")]
public sealed class SubwordTokenizerTests
{
    private static readonly string[] Six = ["en", "fr", "de", "es", "ko", "ja"];

    private static CorpusSplits Numbers() =>
        NumbersCorpus.Create(new NumbersCorpusOptions { Languages = Six, Maximum = 99_999, Train = 300, Validation = 50, Test = 100, Seed = 3 });

    [Fact]
    public void O200k_round_trips_every_sentence_of_every_language_with_a_compact_vocabulary()
    {
        var splits = Numbers();
        var tokenizer = new SubwordTokenizer(Six, splits.Train.AllSentences());
        Assert.Equal("o200k", tokenizer.Kind);
        // 4 specials + 6 language tokens + 256 single bytes + the pieces the training numbers use: far below o200k's 200k.
        Assert.InRange(tokenizer.VocabularySize, 4 + 6 + 256 + 50, 4000);
        foreach (var part in new[] { splits.Train, splits.Validation, splits.Test })
            foreach (var l in Six)
                foreach (var s in part.Sentences(l))
                {
                    var ids = tokenizer.Encode(s);
                    Assert.Equal(s, tokenizer.Decode(ids));
                    Assert.DoesNotContain(CharTokenizer.Unknown, ids);
                    Assert.All(ids, id => Assert.InRange(id, 4 + 6, tokenizer.VocabularySize - 1));
                }
        // Subwords, not characters: the training numbers take fewer o200k pieces than characters.
        var all = splits.Train.AllSentences().ToArray();
        Assert.True(all.Sum(s => tokenizer.Encode(s).Length) < 0.8 * all.Sum(s => s.EnumerateRunes().Count()));
        // A German compound is pieces, not one per character (o200k cuts this one into 10 non-morpheme pieces: se|ch|sh|und|ertz|...).
        var german = tokenizer.Encode("sechshundertzweiundsechzig");
        Assert.True(german.Length is >= 2 and <= 13, $"{german.Length} pieces: {string.Join(" | ", german.Select(id => tokenizer.Decode([id])))}");
        var source = tokenizer.EncodeSource("neunundneunzigtausend", "ja");
        Assert.Equal(tokenizer.LanguageToken("ja"), source[0]);
        Assert.Equal(CharTokenizer.Eos, source[^1]);
        Assert.Equal("neunundneunzigtausend", tokenizer.Decode(source));
        Assert.Equal("", tokenizer.Decode([CharTokenizer.Eos, .. tokenizer.Encode("cent")]));
        Assert.Throws<ArgumentException>(() => tokenizer.LanguageToken("it"));
    }

    [Fact]
    public void O200k_round_trips_random_strings_of_seen_pieces_and_unseen_characters()
    {
        var splits = Numbers();
        var tokenizer = new SubwordTokenizer(Six, splits.Train.AllSentences());
        int first = 4 + Six.Length;
        // The kept pieces that are whole characters on their own (a Korean syllable's bytes may be split over pieces).
        var pieces = Enumerable.Range(first, tokenizer.VocabularySize - first).Select(id => tokenizer.Decode([id]))
            .Where(p => p.Length > 0 && !p.Contains('\uFFFD')).ToArray();
        Assert.True(pieces.Length > 100, $"{pieces.Length} whole pieces");
        var random = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            var s = string.Concat(Enumerable.Range(0, random.Next(1, 9)).Select(_ => pieces[random.Next(pieces.Length)]));
            Assert.Equal(s, tokenizer.Decode(tokenizer.Encode(s)));
        }
        // Characters never seen in training (any scalar value but surrogates): written as single-byte pieces, still exact.
        for (int i = 0; i < 200; i++)
        {
            var sb = new StringBuilder();
            for (int k = random.Next(1, 12); k > 0; k--)
            {
                int v = random.Next(0x20, 0x10FFFF);
                if (v is >= 0xD800 and <= 0xDFFF) v = 0x1F642;
                sb.Append(new Rune(v).ToString());
            }
            var s = sb.ToString();
            var ids = tokenizer.Encode(s);
            Assert.DoesNotContain(CharTokenizer.Unknown, ids);
            Assert.Equal(s, tokenizer.Decode(ids));
        }
        var saved = SubwordTokenizer.FromSaved(tokenizer.Languages, tokenizer.Pieces);
        Assert.Equal(tokenizer.VocabularySize, saved.VocabularySize);
        Assert.Equal(tokenizer.Encode("구만구천 neunundneunzig 九万"), saved.Encode("구만구천 neunundneunzig 九万"));
        Assert.Throws<InvalidDataException>(() => SubwordTokenizer.FromSaved(Six, [1_000_000]));
    }

    [Fact]
    public void An_o200k_checkpoint_decodes_identically()
    {
        var splits = NumbersCorpus.Create(new NumbersCorpusOptions { Languages = ["en", "fr"], Maximum = 999, Train = 80, Validation = 5, Test = 10, Seed = 1 });
        var options = new TranslationOptions { ModelSize = 32, Layers = 1, Heads = 2, FeedForward = 64, Epochs = 2, Threads = 1, MaxLength = 48, Tokenizer = "o200k" };
        var dir = Path.Combine(Path.GetTempPath(), $"translate-{Guid.NewGuid():N}");
        var (translator, _) = TranslationTrainer.Fit(splits.Train, null, TranslationDirection.ParseList("en-fr,fr-en"), options);
        try
        {
            using (translator)
            {
                var tokenizer = Assert.IsType<SubwordTokenizer>(translator.Tokenizer);
                var path = Path.Combine(dir, "model.pt");
                translator.Save(path);
                var input = splits.Test.Sentences("en");
                using var loaded = Translator.Load(path);
                Assert.Equal(translator.Translate(input, "fr"), loaded.Translate(input, "fr"));
                Assert.Equal(tokenizer.Pieces, Assert.IsType<SubwordTokenizer>(loaded.Tokenizer).Pieces);
                Assert.Equal("o200k", loaded.Model.Options.Tokenizer);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
        Assert.Contains("tokenizer must be one of chars, o200k", Assert.Throws<InvalidOptionsException>(() => (options with { Tokenizer = "bpe" }).ThrowIfInvalid()).Message);
    }
}
