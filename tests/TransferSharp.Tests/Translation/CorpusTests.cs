using System.Text;
using TransferSharp.Translation;

namespace TransferSharp.Tests.Translation;

public sealed class CorpusTests
{
    private static readonly string[] Six = ["en", "fr", "de", "es", "ko", "ja"];

    [Fact]
    public void Numbers_corpus_writes_each_language_and_checks_by_hand()
    {
        // Checked by hand against each language's spelling of 99 and 1234.
        Assert.Equal("ninety-nine", NumbersCorpus.Words(99, "en"));
        Assert.Equal("quatre-vingt-dix-neuf", NumbersCorpus.Words(99, "fr"));
        Assert.Equal("neunundneunzig", NumbersCorpus.Words(99, "de"));
        Assert.Equal("noventa y nueve", NumbersCorpus.Words(99, "es"));
        Assert.Equal("구십구", NumbersCorpus.Words(99, "ko"));
        Assert.Equal("九十九", NumbersCorpus.Words(99, "ja"));
        Assert.Equal("eintausendzweihundertvierunddreißig", NumbersCorpus.Words(1234, "de"));
        Assert.Equal("천이백삼십사", NumbersCorpus.Words(1234, "ko"));
    }

    [Fact]
    public void Numbers_corpus_is_deterministic_with_disjoint_parts()
    {
        var options = new NumbersCorpusOptions { Languages = Six, Train = 300, Validation = 50, Test = 80, Seed = 3 };
        var a = NumbersCorpus.Create(options);
        var b = NumbersCorpus.Create(options);
        Assert.Equal(a.Train.Sentences("ja"), b.Train.Sentences("ja"));
        Assert.Equal(a.Test.Sentences("fr"), b.Test.Sentences("fr"));
        Assert.NotEqual(a.Train.Sentences("en"), NumbersCorpus.Create(options with { Seed = 4 }).Train.Sentences("en"));
        // English words name one number each, so disjoint English sentences mean disjoint numbers.
        var train = a.Train.Sentences("en").ToHashSet();
        var validation = a.Validation.Sentences("en").ToHashSet();
        var test = a.Test.Sentences("en");
        Assert.Equal(300, train.Count);
        Assert.Equal(50, validation.Count);
        Assert.Equal(80, test.Distinct().Count());
        Assert.DoesNotContain(test, s => train.Contains(s) || validation.Contains(s));
        Assert.DoesNotContain(validation, train.Contains);
    }

    [Fact]
    public void A_culture_humanizer_writes_in_english_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => NumbersCorpus.Create(new NumbersCorpusOptions { Languages = ["en", "sw"] }));
        Assert.Contains("language 'sw'", e.Message);
        Assert.Contains("writes English", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("not a known culture", Assert.Throws<ArgumentException>(() => NumbersCorpus.Create(new NumbersCorpusOptions { Languages = ["en", "qq"] })).Message);
        Assert.Throws<ArgumentException>(() => NumbersCorpus.Create(new NumbersCorpusOptions { Languages = ["en", "fr"], Maximum = 100, Train = 100 }));
    }

    [Fact]
    public void Tokenizer_round_trips_every_language_and_marks_targets()
    {
        var corpus = NumbersCorpus.Create(new NumbersCorpusOptions { Languages = Six, Train = 200, Validation = 20, Test = 20 });
        var tokenizer = new CharTokenizer(Six, corpus.Train.AllSentences().Append("naïve 🙂 Straße"));
        foreach (var s in corpus.Train.AllSentences().Append("naïve 🙂 Straße"))
            Assert.Equal(s, tokenizer.Decode(tokenizer.Encode(s)));
        var source = tokenizer.EncodeSource("cent", "de");
        Assert.Equal(tokenizer.LanguageToken("de"), source[0]);
        Assert.Equal(CharTokenizer.Eos, source[^1]);
        Assert.NotEqual(tokenizer.LanguageToken("de"), tokenizer.LanguageToken("ja"));
        Assert.Equal("cent", tokenizer.Decode(source));   // specials and language tokens are dropped
        var saved = CharTokenizer.FromSaved(tokenizer.Languages, tokenizer.Characters);
        Assert.Equal(tokenizer.Encode("구만구천 naïve 🙂"), saved.Encode("구만구천 naïve 🙂"));
        Assert.Throws<ArgumentException>(() => tokenizer.LanguageToken("it"));
    }

    [Fact]
    public void Language_identifier_recognises_held_out_numbers()
    {
        var splits = NumbersCorpus.Create(new NumbersCorpusOptions { Languages = Six, Maximum = 99_999, Train = 1000, Validation = 10, Test = 200 });
        var id = new LanguageIdentifier(splits.Train);
        foreach (var l in Six)
            Assert.True(id.WrongLanguageRate(splits.Test.Sentences(l), l) < 0.05, $"{l}: {id.WrongLanguageRate(splits.Test.Sentences(l), l):P1} misidentified");
        Assert.Null(id.Identify("  "));
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("en\tfr\n", "a header but no sentences")]
    [InlineData("en\ten\none\tun\n", "line 1: language 'en' appears twice")]
    [InlineData("en\tFrench\none\tun\n", "line 1: 'French' is not a language code")]
    [InlineData("en\none\n", "line 1: a parallel corpus needs at least two language columns")]
    [InlineData("en\tfr\none\tun\ntwo\n", "line 3: 1 columns, the header has 2")]
    [InlineData("en\tfr\none\tun\ntwo\t\n", "line 3: the fr sentence is empty")]
    public void Bad_corpus_files_get_one_line_errors_naming_file_and_line(string content, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(path, content);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => CorpusFile.Read(path));
            Assert.StartsWith(path, e.Message);
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Invalid_utf8_and_missing_files_are_refused_and_a_good_file_reads()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.tsv");
        try
        {
            File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("en\tfr\none\tun\n"), 0xC3, 0x28, (byte)'\n']);
            var e = Assert.Throws<InvalidDataException>(() => CorpusFile.Read(path));
            Assert.Contains("not valid UTF-8 (line 3)", e.Message);
            File.WriteAllText(path, "en\tfr\r\none\tun\r\ntwo\tdeux\r\n");
            var corpus = CorpusFile.Read(path);
            Assert.Equal(["en", "fr"], corpus.Languages);
            Assert.Equal("deux", corpus.Text(1, "fr"));
        }
        finally { File.Delete(path); }
        Assert.Throws<FileNotFoundException>(() => CorpusFile.Read(path));
    }

    [Fact]
    public void Directions_parse_and_bad_ones_are_refused()
    {
        Assert.Equal([new TranslationDirection("en", "fr"), new("fr", "de")], TranslationDirection.ParseList("en-fr, fr-de"));
        Assert.Throws<ArgumentException>(() => TranslationDirection.ParseList("en-en"));
        Assert.Throws<ArgumentException>(() => TranslationDirection.ParseList("enfr"));
        Assert.Throws<ArgumentException>(() => TranslationDirection.ParseList("en-fr,en-fr"));
    }
}
