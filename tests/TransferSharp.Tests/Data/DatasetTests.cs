using TransferSharp.Data;

namespace TransferSharp.Tests.Data;

[Collection("Sequential")]
public sealed class DatasetTests
{
    [Fact]
    public void Stratified_split_keeps_class_proportions_and_partitions_the_examples()
    {
        using var data = TestData.Blobs(perClass: 50, classes: 4, dims: 5, seed: 1);
        var (train, test) = data.StratifiedSplit(0.2, seed: 3);
        using var _ = train;
        using var __ = test;
        Assert.Equal([40, 40, 40, 40], train.ClassCounts());
        Assert.Equal([10, 10, 10, 10], test.ClassCounts());
        // Together they hold every original row exactly once: compare sorted row sums.
        var all = data.Inputs.sum(1).data<float>().Order().ToArray();
        var parts = train.Inputs.sum(1).data<float>().Concat(test.Inputs.sum(1).data<float>()).Order().ToArray();
        Assert.Equal(all, parts);
    }

    [Fact]
    public void Same_seed_gives_the_same_split_and_another_seed_another()
    {
        using var data = TestData.Blobs(30, 3, 4, seed: 1);
        var (a, _) = data.StratifiedSplit(0.3, seed: 5);
        var (b, _) = data.StratifiedSplit(0.3, seed: 5);
        var (c, _) = data.StratifiedSplit(0.3, seed: 6);
        Assert.True(a.Inputs.eq(b.Inputs).all().item<bool>());
        Assert.False(a.Inputs.eq(c.Inputs).all().item<bool>());
    }

    [Fact]
    public void Take_per_class_gives_exactly_k_of_each_and_fails_when_a_class_is_short()
    {
        using var data = TestData.Blobs(10, 3, 4, seed: 2);
        using var few = data.TakePerClass(4, seed: 0);
        Assert.Equal([4, 4, 4], few.ClassCounts());
        var e = Assert.Throws<ArgumentException>(() => data.TakePerClass(11, seed: 0));
        Assert.Contains("fewer than 11", e.Message);
    }

    [Fact]
    public void Selecting_classes_relabels_them_in_the_given_order_and_keeps_names()
    {
        using var data = TestData.Blobs(5, 4, 4, seed: 3);
        using var sub = data.SelectClasses([3, 1]);
        Assert.Equal(["c3", "c1"], sub.ClassNames);
        Assert.Equal(10, sub.Count);
        // Class 3's blob is centred on dimension 3 and becomes label 0; class 1's on dimension 1, label 1.
        var label0 = sub.Inputs.index_select(0, nonzero(sub.Labels!.eq(0)).squeeze(1));
        var label1 = sub.Inputs.index_select(0, nonzero(sub.Labels!.eq(1)).squeeze(1));
        Assert.True(label0[.., 3].mean().item<float>() > 2);
        Assert.True(label1[.., 1].mean().item<float>() > 2);
        using var byName = data.SelectClasses(["C2"]);
        Assert.Equal(["c2"], byName.ClassNames);
        Assert.Throws<ArgumentException>(() => data.SelectClasses(["nope"]));
    }

    [Fact]
    public void Dropping_labels_and_concatenating()
    {
        using var a = TestData.Blobs(3, 2, 4, seed: 1);
        using var b = TestData.Blobs(2, 2, 4, seed: 2);
        using var both = Dataset.Concatenate("ab", a, b);
        Assert.Equal(10, both.Count);
        Assert.Equal([5, 5], both.ClassCounts());
        using var unlabelled = both.WithoutLabels();
        Assert.False(unlabelled.HasLabels);
        Assert.Throws<InvalidOperationException>(() => unlabelled.TakePerClass(1, 0));
        Assert.Throws<ArgumentException>(() => Dataset.Concatenate("x", a, unlabelled));
    }

    [Fact]
    public void Labels_outside_the_class_names_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset("bad", zeros(3, 2), tensor(new long[] { 0, 1, 2 }), ["a", "b"], "test"));
        Assert.Contains("labels span 0..2", e.Message);
    }

    [Fact]
    public void Transforms_change_shape_and_values_as_documented()
    {
        // One 2x2 RGB image, pure red.
        var red = zeros(1, 3, 2, 2);
        red[0, 0] = ones(2, 2);
        using var data = new Dataset("red", red, tensor(new long[] { 0 }), ["r"], "test");
        using var grey = data.ToGrey();
        Assert.Equal([1L, 1, 2, 2], grey.Inputs.shape);
        Assert.Equal(0.299f, grey.Inputs[0, 0, 0, 0].item<float>(), 5);
        using var rgb = grey.ToRgb();
        Assert.Equal([1L, 3, 2, 2], rgb.Inputs.shape);
        Assert.Equal(0.299f, rgb.Inputs[0, 2, 1, 1].item<float>(), 5);
        using var big = data.Resize(6, 4);
        Assert.Equal([1L, 3, 6, 4], big.Inputs.shape);
        Assert.Equal(1f, big.Inputs[0, 0].mean().item<float>(), 4);
        using var norm = data.Normalize([0.5f], [0.5f]);
        Assert.Equal(1f, norm.Inputs[0, 0, 0, 0].item<float>(), 5);
        Assert.Equal(-1f, norm.Inputs[0, 1, 0, 0].item<float>(), 5);
    }

    [Fact]
    public void Batches_cover_every_example_once_per_pass_in_a_seeded_order()
    {
        using var data = TestData.Blobs(25, 2, 3, seed: 4);   // 50 examples
        long[] Order(int seed)
        {
            using var g = new Generator((ulong)seed);
            var firsts = new List<float>();
            foreach (var b in Batches.Of(data, 16, shuffle: true, generator: g)) firsts.AddRange(b.Inputs[.., 0].data<float>());
            return firsts.Select(f => (long)BitConverter.SingleToInt32Bits(f)).ToArray();
        }
        var a = Order(7);
        Assert.Equal(50, a.Length);
        Assert.Equal(data.Inputs[.., 0].data<float>().Select(f => (long)BitConverter.SingleToInt32Bits(f)).Order(), a.Order());
        Assert.Equal(a, Order(7));
        Assert.NotEqual(a, Order(8));
        Assert.Equal([16, 16, 16], Batches.Of(data, 16, dropLast: true).Select(b => (int)b.Inputs.shape[0]).ToArray());
        Assert.Equal([16, 16, 16, 2], Batches.Of(data, 16).Select(b => (int)b.Inputs.shape[0]).ToArray());
    }
}
