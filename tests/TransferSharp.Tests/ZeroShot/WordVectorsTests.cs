using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.ZeroShot;

public sealed class WordVectorsTests
{
    private static string Write(TestData.TempFolder dir, string text)
    {
        var path = dir.File("vectors.txt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void GloVe_file_with_bad_lines_skips_and_reports_them()
    {
        using var dir = new TestData.TempFolder();
        var path = Write(dir, string.Join('\n',
            "shirt 1 0 0",
            "top 0 1 0",
            "broken 1 2",            // too few values
            "bag 0 0 x",             // not a number
            "lonely",                // no values
            "",
            "trouser 0 0 1",
            "boot 1 1 1 1",          // too many values
            "ankle 0.25 0.5 0"));
        var (d, report) = WordVectors.Read(path, ["T-shirt/top", "Trouser", "Ankle boot"]);
        Assert.Equal(3, report.Dimension);
        Assert.Equal([3, 4, 5, 8], report.Skipped.Select(s => s.Line));
        Assert.Contains("2 values, expected 3", report.Skipped[0].Reason);
        Assert.Contains("not numbers", report.Skipped[1].Reason);
        // T-shirt/top: "T" has no vector, "shirt" and "top" are averaged.
        Assert.Equal([0.5f, 0.5f, 0f], d.VectorOf("T-shirt/top"));
        Assert.Equal(["T"], report.MissingWords["T-shirt/top"]);
        Assert.Equal([0f, 0f, 1f], d.VectorOf("Trouser"));         // found in lower case
        Assert.Equal([0.25f, 0.5f, 0f], d.VectorOf("Ankle boot"));  // "boot" line was malformed (not T-shirt/top's vector: identical class vectors are refused)
        Assert.Equal(["boot"], report.MissingWords["Ankle boot"]);
        Assert.Equal(DescriptionKind.WordVectors, d.Kind);
    }

    [Fact]
    public void Word2vec_header_sets_the_dimension_and_phrases_win_over_words()
    {
        using var dir = new TestData.TempFolder();
        var path = Write(dir, "3 2\nAnkle_boot 9 9\nankle 1 0\nboot 0 1\n");
        var (d, report) = WordVectors.Read(path, ["Ankle boot", "boot"]);
        Assert.Equal(2, report.Dimension);
        Assert.Equal([9f, 9f], d.VectorOf("Ankle boot"));
        Assert.Equal([0f, 1f], d.VectorOf("boot"));
        Assert.Empty(report.Skipped);
    }

    [Fact]
    public void A_class_with_no_word_vector_is_an_error_naming_it()
    {
        using var dir = new TestData.TempFolder();
        var path = Write(dir, "cat 1 0\ndog 0 1\n");
        var e = Assert.Throws<InvalidDataException>(() => WordVectors.Read(path, ["cat", "sea lion", "emu"]));
        Assert.Contains("'sea lion'", e.Message);
        Assert.Contains("'emu'", e.Message);
        Assert.Contains("every class needs a description", e.Message);
    }

    [Theory]
    [InlineData("", "empty word-vector file")]
    [InlineData("cat one two\ndog\n", "no usable word-vector line")]
    public void Files_without_usable_lines_are_rejected(string text, string expected)
    {
        using var dir = new TestData.TempFolder();
        var path = Write(dir, text);
        var e = Assert.Throws<InvalidDataException>(() => WordVectors.Read(path, ["cat"]));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path, e.Message);
    }
}
