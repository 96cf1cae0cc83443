using System.Text;
using System.Text.Json;
using TransferSharp.Tests.Cli;
using TransferSharp.Translation;

namespace TransferSharp.Tests.Translation;

[Collection("Sequential")]
public sealed class PairFilesTests
{
    /// <summary>Pair files written from the numbers corpus: en-fr from some rows, en-de from others (different meanings), fr-de test pairs from the test rows.</summary>
    private static (string EnFr, string EnDe, string FrDe, CorpusSplits Numbers) Write(string folder, int train = 120)
    {
        var n = NumbersCorpus.Create(new NumbersCorpusOptions { Languages = ["en", "fr", "de"], Maximum = 999, Train = train, Validation = 10, Test = 20, Seed = 2 });
        string Lines(ParallelCorpus c, IEnumerable<int> rows, string a, string b) => string.Concat(rows.Select(r => $"{c.Text(r, a)}\t{c.Text(r, b)}\n"));
        int half = n.Train.Count / 2;
        var enFr = Path.Combine(folder, "en-fr.tsv");
        var enDe = Path.Combine(folder, "en-de.tsv");
        var frDe = Path.Combine(folder, "fr-de.tsv");
        // Validation and test rows go to the pair files too (the command splits pair files itself), each to one file only.
        File.WriteAllText(enFr, Lines(n.Train, Enumerable.Range(0, half), "en", "fr") + Lines(n.Validation, Enumerable.Range(0, n.Validation.Count), "en", "fr"));
        File.WriteAllText(enDe, Lines(n.Train, Enumerable.Range(half, n.Train.Count - half), "en", "de") + Lines(n.Test, Enumerable.Range(0, 10), "en", "de"));
        File.WriteAllText(frDe, Lines(n.Test, Enumerable.Range(10, n.Test.Count - 10), "fr", "de"));
        return (enFr, enDe, frDe, n);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("\n  \n", "empty file")]
    [InlineData("one\tun\ntwo deux\n", "line 2: 0 TABs; a pair file has one per line")]
    [InlineData("one\tun\ttwo\n", "line 1: 2 TABs")]
    [InlineData("one\tun\n\t deux\n", "line 2: the en side is empty")]
    [InlineData("one\t \n", "line 1: the fr side is empty")]
    public void Bad_pair_files_get_one_line_errors_naming_file_and_line(string content, string expected)
    {
        using var dir = new TestData.TempFolder();
        var path = Path.Combine(dir.Path, "en-fr.tsv");
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => PairFiles.Read([new PairFile(new("en", "fr"), path)]));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Invalid_utf8_is_refused_with_its_line()
    {
        using var dir = new TestData.TempFolder();
        var path = Path.Combine(dir.Path, "en-fr.tsv");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("one\tun\ntwo\tdeux\n"), 0xC3, 0x28, (byte)'\t', (byte)'x', (byte)'\n']);
        var e = Assert.Throws<InvalidDataException>(() => PairFiles.Read([new PairFile(new("en", "fr"), path)]));
        Assert.Equal($"{path}: not valid UTF-8 (line 3)", e.Message);
    }

    [Theory]
    [InlineData("en-fr", "write LANG-LANG=FILE")]
    [InlineData("=x.tsv", "write LANG-LANG=FILE")]
    [InlineData("en-fr=", "write LANG-LANG=FILE")]
    [InlineData("enfr=x.tsv", "'enfr' is not two language codes")]
    [InlineData("EN-fr=x.tsv", "'EN' is not a language code")]
    [InlineData("en-french=x.tsv", "'french' is not a language code")]
    [InlineData("en-qq=x.tsv", "'qq' is not a known ISO 639 language code")]
    [InlineData("fr-fr=x.tsv", "a pair file's two languages must differ")]
    public void Bad_pair_specs_are_refused(string spec, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => PairFile.Parse(spec, "--pairs"));
        Assert.StartsWith($"--pairs '{spec}': ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Equal(new PairFile(new("en", "fr"), "x.tsv"), PairFile.Parse("en-fr=x.tsv", "--pairs"));
    }

    [Fact]
    public void Pair_files_make_a_sparse_corpus_that_joins_shared_sentences()
    {
        using var dir = new TestData.TempFolder();
        var enFr = Path.Combine(dir.Path, "a.tsv");
        var enDe = Path.Combine(dir.Path, "b.tsv");
        File.WriteAllText(enFr, "one\tun\r\ntwo\tdeux\r\n");
        File.WriteAllText(enDe, "three\tdrei\none\teins\n");
        var corpus = PairFiles.Read([new PairFile(new("en", "fr"), enFr), new PairFile(new("en", "de"), enDe)]);
        Assert.Equal(["en", "fr", "de"], corpus.Languages);
        Assert.True(corpus.IsSparse);
        Assert.Equal(3, corpus.Count);   // "one" is in both files: one row in three languages
        Assert.Equal(["un", "deux"], corpus.Sentences("fr"));
        Assert.Equal(["eins", "drei"], corpus.Sentences("de"));
        var (fr, de) = corpus.Pairs(new("fr", "de"));
        Assert.Equal(["un"], fr);
        Assert.Equal(["eins"], de);
        Assert.Equal(4, PairFiles.Read([new PairFile(new("en", "fr"), enFr), new PairFile(new("en", "de"), enDe)], merge: false).Count);
        Assert.Throws<ArgumentException>(() => corpus.Text(1, "de"));
        var twice = Assert.Throws<ArgumentException>(() => PairFiles.Read([new PairFile(new("en", "fr"), enFr), new PairFile(new("en", "fr"), enDe)]));
        Assert.Contains("en-fr is given twice", twice.Message);
    }

    [Fact]
    public void A_zero_shot_direction_of_pair_files_never_enters_training()
    {
        using var dir = new TestData.TempFolder();
        var (enFr, enDe, frDe, _) = Write(dir.Path, train: 80);
        // Merged rows (a French and a German sentence of one meaning) exist in this corpus: the fr-de test file's rows.
        var corpus = PairFiles.Read([new PairFile(new("en", "fr"), enFr), new PairFile(new("en", "de"), enDe), new PairFile(new("fr", "de"), frDe)]);
        var frDeRows = corpus.RowsWith("fr", "de");
        Assert.NotEmpty(frDeRows);
        var heldGerman = frDeRows.Select(r => corpus.Text(r, "de")).ToHashSet();
        var train = TranslationDirection.ParseList("en-fr,fr-en,en-de,de-en");
        var seen = new HashSet<TranslationDirection>();
        long pairs = 0;
        var options = new TranslationOptions { ModelSize = 16, Layers = 1, Heads = 2, FeedForward = 32, Epochs = 1, Threads = 1, MaxLength = 64 };
        var (translator, training) = TranslationTrainer.Fit(corpus, null, train, options, observe: b =>
        {
            foreach (var d in b.Directions) seen.Add(d);
            pairs += b.Directions.Count;
        });
        using (translator)
        {
            Assert.Equal(train.ToHashSet(), seen);
            // Exactly the rows with both languages of each training direction: en-fr and en-de lines, both ways; no fr-de row.
            int expected = train.Sum(d => corpus.RowsWith(d.Source, d.Target).Count);
            Assert.Equal(expected, pairs);
            Assert.Equal(expected, training.Pairs);
            Assert.Equal(2 * (File.ReadAllLines(enFr).Length + File.ReadAllLines(enDe).Length), expected);
        }
    }

    [Fact]
    public void Translate_train_on_pair_files_tests_the_zero_shot_direction_from_a_test_file()
    {
        using var dir = new TestData.TempFolder();
        var (enFr, enDe, frDe, _) = Write(dir.Path);
        var r = CliRunner.Run(dir.Path, "translate", "train", "--pairs", $"en-fr={enFr}", "--pairs", $"en-de={enDe}", "--test", $"fr-de={frDe}",
            "--train", "en-fr,fr-en,en-de,de-en", "--zero-shot", "fr-de", "--validation-rows", "5", "--test-rows", "10", "--epochs", "1",
            "--model-size", "32", "--layers", "1", "--feed-forward", "64", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("direct baseline skipped", r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var root = metrics.RootElement;
        var scores = root.GetProperty("scores").EnumerateArray().ToArray();
        var zero = Assert.Single(scores, s => s.GetProperty("system").GetString() == "zero-shot");
        Assert.Equal("fr-de", zero.GetProperty("direction").GetString());
        Assert.Equal(File.ReadAllLines(frDe).Length, zero.GetProperty("sentences").GetInt32());   // every test-file pair, nothing else
        Assert.Contains(scores, s => s.GetProperty("system").GetString() == "bridged");
        Assert.DoesNotContain(scores, s => s.GetProperty("system").GetString() == "direct");
        Assert.Equal(JsonValueKind.Null, root.GetProperty("direct_training").ValueKind);
        Assert.Contains("direct baseline skipped: fr-de", Assert.Single(root.GetProperty("notes").EnumerateArray()).GetString());
        Assert.Equal(["en", "fr", "de"], root.GetProperty("languages").EnumerateArray().Select(x => x.GetString()));
        Assert.True(File.Exists(Path.Combine(run, "model.pt")));
    }

    [Theory]
    [InlineData("--pairs en-fr=PAIRS --corpus numbers", "--corpus and --pairs are alternatives")]
    [InlineData("--test fr-de=PAIRS", "--test applies to --pairs corpora")]
    [InlineData("--pairs en-en=PAIRS", "--pairs 'en-en=")]
    [InlineData("--pairs en-fr=BAD", "line 2: 0 TABs")]
    [InlineData("--pairs en-fr=EMPTY", "empty file")]
    [InlineData("--pairs en-fr=PAIRS --test fr-sv=PAIRS", "no --pairs file has language 'sv'")]
    [InlineData("--pairs en-fr=PAIRS --pairs en-de=OTHER", "--zero-shot direction fr-de: no test pair")]
    public void Bad_pair_input_is_one_line_and_exit_2(string args, string expected)
    {
        using var dir = new TestData.TempFolder();
        File.WriteAllText(Path.Combine(dir.Path, "pairs.tsv"), string.Concat(Enumerable.Range(0, 30).Select(i => $"n{i}\tm{i}\n")));
        File.WriteAllText(Path.Combine(dir.Path, "other.tsv"), string.Concat(Enumerable.Range(0, 30).Select(i => $"p{i}\tq{i}\n")));
        File.WriteAllText(Path.Combine(dir.Path, "bad.tsv"), "one\tun\ntwo deux\n");
        File.WriteAllText(Path.Combine(dir.Path, "empty.tsv"), "");
        var words = args.Replace("PAIRS", Path.Combine(dir.Path, "pairs.tsv")).Replace("BAD", Path.Combine(dir.Path, "bad.tsv")).Replace("OTHER", Path.Combine(dir.Path, "other.tsv"))
            .Replace("EMPTY", Path.Combine(dir.Path, "empty.tsv")).Split(' ');
        var r = CliRunner.Run(dir.Path, ["translate", "train", .. words, "--train", "en-fr,fr-en,en-de,de-en", "--zero-shot", "fr-de", "--threads", "1"]);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "runs")) && Directory.GetDirectories(Path.Combine(dir.Path, "runs")).Length > 0, "no run folder for bad input");
    }
}
