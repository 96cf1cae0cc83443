using TransferSharp.Data;

namespace TransferSharp.Tests.Data;

[Collection("Sequential")]
public sealed class CatalogTests
{
    [Fact]
    public void Built_in_sets_have_their_published_sizes()
    {
        using var mnist = Catalog.Load("mnist");
        Assert.Equal(10_000, mnist.Count);
        Assert.Equal([1L, 28, 28], mnist.ExampleShape);
        using var optdigits = Catalog.Load("optdigits");
        Assert.Equal(1_797, optdigits.Count);
        Assert.Equal([1L, 8, 8], optdigits.ExampleShape);
        // 17 grey levels, 0..16, scaled to [0, 1]: the maximum is exactly 1.
        Assert.Equal(1f, optdigits.Inputs.max().item<float>());
        using var fashion = Catalog.Load("fashion-mnist");
        Assert.Equal(10_000, fashion.Count);
        // The Fashion-MNIST test split has exactly 1,000 images per class.
        Assert.All(fashion.ClassCounts(), c => Assert.Equal(1_000, c));
    }

    [Fact]
    public void Class_filters_select_and_relabel_by_range_or_name()
    {
        using var digits = Catalog.Load("mnist:0-4");
        Assert.Equal(["0", "1", "2", "3", "4"], digits.ClassNames);
        Assert.Equal(5, digits.ClassCounts().Length);
        using var fashion = Catalog.Load("fashion-mnist:Sandal,bag");
        Assert.Equal(["Sandal", "Bag"], fashion.ClassNames);
        Assert.Equal([1_000, 1_000], fashion.ClassCounts());
        Assert.Throws<ArgumentException>(() => Catalog.Load("mnist:3-12"));
        Assert.Throws<FileNotFoundException>(() => Catalog.Load("no-such-set"));
    }

    [Fact]
    public void Mnist_m_is_mnist_over_photo_crops_and_the_same_every_time()
    {
        using var a = Catalog.Load("mnist-m");
        using var b = Catalog.Load("mnist-m");
        using var mnist = Catalog.Load("mnist");
        Assert.Equal([3L, 28, 28], a.ExampleShape);
        Assert.True(a.Inputs.eq(b.Inputs).all().item<bool>());
        Assert.True(a.Labels!.eq(mnist.Labels!).all().item<bool>());
        // |crop - digit|: where the digit is blank (0) the output is the photo, which is coloured: channels differ.
        var channelSpread = (a.Inputs.max(1).values - a.Inputs.min(1).values).mean().item<float>();
        Assert.True(channelSpread > 0.05, $"channel spread {channelSpread}");
        // A blank digit pixel (0) leaves the photo as it is, so MNIST-M differs from MNIST most where MNIST is blank.
        var blank = mnist.Inputs.expand(-1, 3, -1, -1).eq(0);
        var offDigit = a.Inputs.masked_select(blank).mean().item<float>();
        Assert.True(offDigit > 0.2, $"mean background {offDigit}");
    }

    [Fact]
    public void Mnist_inverted_is_one_minus_mnist_with_the_same_labels()
    {
        using var a = Catalog.Load("mnist-inverted");
        using var b = Catalog.Load("mnist-inverted");
        using var mnist = Catalog.Load("mnist");
        Assert.Equal([1L, 28, 28], a.ExampleShape);
        Assert.Equal(10_000, a.Count);
        Assert.True(a.Inputs.eq(b.Inputs).all().item<bool>());
        Assert.True(a.Labels!.eq(mnist.Labels!).all().item<bool>());
        Assert.True((a.Inputs + mnist.Inputs - 1).abs().max().item<float>() < 1e-6);
        // MNIST's background is black, so the inverted set is mostly white.
        Assert.True(a.Inputs.mean().item<float>() > 0.8, $"mean {a.Inputs.mean().item<float>()}");
    }

    [Fact]
    public void Synth_digits_are_balanced_coloured_28x28_digits_and_the_same_every_time()
    {
        using var a = Catalog.Load("synth-digits");
        using var b = Catalog.Load("synth-digits");
        Assert.Equal([3L, 28, 28], a.ExampleShape);
        Assert.Equal(10_000, a.Count);
        Assert.Equal(Enumerable.Repeat(1_000, 10), a.ClassCounts());
        Assert.Equal(Enumerable.Range(0, 10).Select(d => d.ToString()), a.ClassNames);
        Assert.True(a.Inputs.eq(b.Inputs).all().item<bool>(), "two loads differ");
        Assert.True(a.Labels!.eq(b.Labels!).all().item<bool>());
        Assert.InRange(a.Inputs.min().item<float>(), 0, 1);
        Assert.InRange(a.Inputs.max().item<float>(), 0, 1);
        // Random colours: the channels differ; every image has ink (pixels far from its corner's background colour).
        var channelSpread = (a.Inputs.max(1).values - a.Inputs.min(1).values).mean().item<float>();
        Assert.True(channelSpread > 0.1, $"channel spread {channelSpread}");
        var corner = a.Inputs[.., .., 0..1, 0..1];                                             // (N, 3, 1, 1)
        var ink = (a.Inputs - corner).abs().amax([1]).gt(0.2).to_type(ScalarType.Float32).mean([1, 2]);   // (N)
        Assert.True(ink.min().item<float>() > 0.01, $"an image without ink: {ink.min().item<float>()}");
        Assert.Contains("DejaVu", a.Provenance);
    }

    [Fact]
    public void A_path_is_read_with_the_reader_its_content_needs()
    {
        using var dir = new TestData.TempFolder();
        var csv = dir.File("points.csv");
        File.WriteAllText(csv, "x,y,label\n0,1,a\n1,0,b\n0.5,0.5,a\n");
        using var data = Catalog.Load(csv + ":a");
        Assert.Equal(2, data.Count);
        Assert.Equal(["a"], data.ClassNames);
        var junk = dir.File("junk.bin");
        File.WriteAllBytes(junk, [1, 2, 3]);
        var e = Assert.Throws<InvalidDataException>(() => Catalog.Load(junk));
        Assert.Contains("junk.bin", e.Message);
    }

    [Fact]
    public void Fashion_mnist_full_without_the_package_or_network_says_how_to_get_it()
    {
        if (Directory.Exists(FashionMnistFull.SystemFolder)) return;   // installed here: nothing to explain
        using var dir = new TestData.TempFolder();
        // Port 9 (discard) on loopback refuses at once: a stand-in for "no network" that cannot hang.
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnistFull.Load(dir.Path, "http://127.0.0.1:9/"));
        Assert.Contains("dataset-fashion-mnist", e.Message);
        Assert.Contains(Path.Combine(dir.Path, "fashion-mnist"), e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.part", SearchOption.AllDirectories));
    }
}
