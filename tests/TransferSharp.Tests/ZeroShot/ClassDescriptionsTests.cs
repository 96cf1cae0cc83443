using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.ZeroShot;

public sealed class ClassDescriptionsTests
{
    private static string Write(TestData.TempFolder dir, string name, string text)
    {
        var path = dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Attribute_table_is_read_with_names_and_values()
    {
        using var dir = new TestData.TempFolder();
        var path = Write(dir, "a.csv", "# comment\nclass,furry,stripes\ncat,1,0\n\"zebra, plains\",0,1\nbear,1,0.5\n");
        var d = AttributeTable.Read(path);
        Assert.Equal(["cat", "zebra, plains", "bear"], d.ClassNames);
        Assert.Equal(["furry", "stripes"], d.Dimensions);
        Assert.Equal([1f, 0.5f], d.VectorOf("BEAR"));
        Assert.Equal(DescriptionKind.Attributes, d.Kind);
    }

    [Theory]
    [InlineData("class,furry\ncat,1\ndog,1,0\n", "line 3: 3 fields, expected 2")]
    [InlineData("class,furry\ncat,yes\n", "line 2, attribute 'furry': 'yes' is not a finite number")]
    [InlineData("class,furry\ncat,1\nCat,0\n", "line 3: class 'Cat' is already described on line 2")]
    [InlineData("cat,1,0\ndog,0,1\n", "must be a header")]
    [InlineData("class\ncat\n", "at least one attribute column")]
    [InlineData("class,furry,furry\ncat,1,0\n", "attribute 'furry' appears twice")]
    [InlineData("class,furry\n", "no classes, only a header")]
    [InlineData("", "empty attribute table")]
    public void Malformed_attribute_tables_are_rejected_naming_file_and_line(string text, string expected)
    {
        using var dir = new TestData.TempFolder();
        var path = Write(dir, "bad.csv", text);
        var e = Assert.Throws<InvalidDataException>(() => AttributeTable.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Duplicate_attribute_vectors_are_rejected_naming_the_classes()
    {
        var d = AttributeTable.Parse("t.csv", "class,furry,stripes,big\ncat,1,0,0\nzebra,0,1,1\ntiger,0,1,1\nlynx,1,0,0\nbear,1,0,1\n");
        var groups = d.Collisions();
        Assert.Equal(2, groups.Count);
        var e = Assert.Throws<InvalidDataException>(d.RequireDistinct);
        Assert.Contains("'cat' = 'lynx' (furry)", e.Message);
        Assert.Contains("'zebra' = 'tiger' (stripes, big)", e.Message);
        Assert.Contains("cannot be told apart", e.Message);
    }

    [Fact]
    public void A_class_without_a_description_is_rejected_naming_it()
    {
        var d = AttributeTable.Parse("t.csv", "class,furry\ncat,1\ndog,0\n");
        var aligned = d.For(["dog", "cat"]);
        Assert.Equal(["dog", "cat"], aligned.ClassNames);
        Assert.Equal([0f], aligned[0]);
        var e = Assert.Throws<InvalidDataException>(() => d.For(["cat", "horse", "dog", "cow"]));
        Assert.Contains("no description for classes 'horse', 'cow'", e.Message);
        Assert.StartsWith("t.csv", e.Message);
    }

    [Fact]
    public void Built_in_tables_give_every_class_a_unique_combination()
    {
        foreach (var name in BuiltInDescriptions.Names)
        {
            var d = BuiltInDescriptions.Get(name);
            Assert.Empty(d.Collisions());
            Assert.Equal(10, d.Count);
            Assert.All(Enumerable.Range(0, d.Count), k => Assert.All(d[k], v => Assert.True(v is 0 or 1)));
            // No attribute is on for every class or for none (it would say nothing).
            for (int a = 0; a < d.Dimension; a++)
            {
                double share = Enumerable.Range(0, d.Count).Average(k => d[k][a]);
                Assert.True(share is > 0 and < 1, $"{name}: attribute {d.Dimensions[a]} is constant");
            }
        }
    }

    [Fact]
    public void Built_in_tables_match_the_datasets_class_names_and_are_documented()
    {
        var fashion = BuiltInDescriptions.For("fashion-mnist",
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);
        Assert.Equal("builtin:fashion-mnist", fashion.Source);
        var digits = BuiltInDescriptions.For("mnist:3,5", ["3", "5"]);
        Assert.Equal(["3", "5"], digits.ClassNames);
        var e = Assert.Throws<ArgumentException>(() => BuiltInDescriptions.For("photos", ["cat", "dog"]));
        Assert.Contains("no built-in descriptions for dataset 'photos'", e.Message);

        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "data", "attributes.md"));
        foreach (var name in BuiltInDescriptions.Names)
            foreach (var attribute in BuiltInDescriptions.Get(name).Dimensions)
                Assert.Contains($"`{attribute}`", doc);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TransferSharp.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (TransferSharp.slnx) not found above the test binaries");
    }
}
