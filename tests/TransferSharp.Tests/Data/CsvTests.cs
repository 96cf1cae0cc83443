using TransferSharp.Data;

namespace TransferSharp.Tests.Data;

[Collection("Sequential")]
public sealed class CsvTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private string Write(string name, string text)
    {
        var path = dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void HeaderWithStringLabels()
    {
        var path = Write("iris.csv", "sepal,petal,species\n1.5,2,setosa\n-3e2,0.25,virginica\n\n7,8,setosa\n");

        using var data = Csv.Read(path);

        Assert.Equal([3L, 2], data.Inputs.shape);
        Assert.Equal(["setosa", "virginica"], data.ClassNames);
        Assert.Equal([0L, 1, 0], data.LabelArray());
        Assert.Equal([1.5f, 2f, -300f, 0.25f, 7f, 8f], data.Inputs.data<float>().ToArray());
        Assert.Equal("iris", data.Name);
    }

    [Fact]
    public void NoHeaderIntegerLabelsSortNumerically()
    {
        var path = Write("plain.csv", "1,2,10\n3,4,9\n5,6,2\n");

        using var data = Csv.Read(path);

        Assert.Equal([3L, 2], data.Inputs.shape);
        Assert.Equal(["2", "9", "10"], data.ClassNames);
        Assert.Equal([2L, 1, 0], data.LabelArray());
    }

    [Fact]
    public void NamedLabelColumnAnywhere()
    {
        var path = Write("first.csv", "Label;a;b\ncat;1;2\ndog;3;4\n");

        using var data = Csv.Read(path);

        Assert.Equal([1f, 2f, 3f, 4f], data.Inputs.data<float>().ToArray());
        Assert.Equal(["cat", "dog"], data.ClassNames);
    }

    [Fact]
    public void ExplicitLabelColumnAndTabs()
    {
        var path = Write("tabs.tsv", "y\tf1\tf2\n1\t0.5\t\"1.5\"\n0\t2\t3\n");

        using var data = Csv.Read(path, labelColumn: "y");

        Assert.Equal([0.5f, 1.5f, 2f, 3f], data.Inputs.data<float>().ToArray());
        Assert.Equal([1L, 0], data.LabelArray());
    }

    [Fact]
    public void MissingFile()
    {
        var path = dir.File("absent.csv");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void EmptyFile()
    {
        var path = Write("empty.csv", "\n\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void RaggedRowNamesTheLine()
    {
        var path = Write("ragged.csv", "a,b,label\n1,2,x\n3,y\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void NonNumericNamesLineAndColumn()
    {
        var path = Write("words.csv", "a,b,label\n1,2,x\n3,four,y\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 2 ('b')", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e99")]
    public void NonFinite(string value)
    {
        var path = Write("nan.csv", $"1,2,0\n3,{value},1\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("finite", e.Message);
    }

    [Fact]
    public void UnknownLabelColumn()
    {
        var path = Write("cols.csv", "a,b,label\n1,2,x\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path, labelColumn: "kind"));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("'kind'", e.Message);
    }

    [Fact]
    public void HeaderOnly()
    {
        var path = Write("header.csv", "a,b,label\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.StartsWith(path, e.Message);
    }
}
