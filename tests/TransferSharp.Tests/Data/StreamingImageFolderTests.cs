using System.Diagnostics;
using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.Tests.Data;

[Collection("Sequential")]
public sealed class StreamingImageFolderTests : IDisposable
{
    private readonly TestData.TempFolder dir = new();

    public StreamingImageFolderTests() => ImageFolderFixtures.Write(dir.Path, classes: 3, perClass: 9, side: 20, seed: 5);

    public void Dispose() => dir.Dispose();

    private static StreamingOptions Threads(int threads, int capacity = 4) => new() { DecodeThreads = threads, QueueCapacity = capacity };

    /// <summary>Every batch of one pass, copied out (the enumerator disposes them).</summary>
    private static List<(float[] X, long[] Y, long[] Shape)> Collect(IBatchSource source, int batchSize, bool shuffle, ulong seed)
    {
        var batches = new List<(float[], long[], long[])>();
        foreach (var b in source.Batches(batchSize, shuffle, seed))
            batches.Add((b.Inputs.data<float>().ToArray(), b.Labels!.data<long>().ToArray(), b.Inputs.shape));
        return batches;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Values_and_labels_equal_what_ImageFolder_Read_gives(bool rgb)
    {
        using var read = ImageFolder.Read(dir.Path, 12, 14, rgb);
        var stream = StreamingImageFolder.Open(dir.Path, 12, 14, rgb, Threads(2));

        Assert.Equal(read.ClassNames, stream.ClassNames);
        Assert.Equal(read.Name, stream.Name);
        Assert.Equal(read.ExampleShape, stream.ExampleShape);
        Assert.Equal(read.Count, stream.Count);
        var batches = Collect(stream, 5, shuffle: false, seed: 0);
        Assert.Equal(6, batches.Count); // 27 images in batches of 5
        Assert.Equal([2L, rgb ? 3 : 1, 12, 14], batches[^1].Shape);
        Assert.Equal(read.Inputs.data<float>().ToArray(), batches.SelectMany(b => b.X).ToArray());
        Assert.Equal(read.LabelArray(), batches.SelectMany(b => b.Y).ToArray());
    }

    [Fact]
    public void Shuffled_batches_equal_the_in_memory_batches_for_the_same_seed()
    {
        using var read = ImageFolder.Read(dir.Path, 10, 10);
        var stream = StreamingImageFolder.Open(dir.Path, 10, 10, options: Threads(3, capacity: 2));
        var expected = Collect(read, 4, shuffle: true, seed: 77);
        var streamed = Collect(stream, 4, shuffle: true, seed: 77);
        Assert.Equal(expected.Select(b => b.Y), streamed.Select(b => b.Y));
        Assert.Equal(expected.Select(b => b.X), streamed.Select(b => b.X));
        Assert.NotEqual(read.LabelArray(), streamed.SelectMany(b => b.Y).ToArray()); // it did shuffle
    }

    [Fact]
    public void Same_seed_gives_the_same_batches_whatever_the_thread_count_and_capacity()
    {
        var reference = Collect(StreamingImageFolder.Open(dir.Path, 8, 8, options: Threads(1, capacity: 1)), 4, true, 123);
        foreach (var (threads, capacity) in new[] { (2, 4), (4, 2), (3, 8) })
        {
            var other = Collect(StreamingImageFolder.Open(dir.Path, 8, 8, options: Threads(threads, capacity)), 4, true, 123);
            Assert.Equal(reference.Select(b => b.Y), other.Select(b => b.Y));
            Assert.Equal(reference.Select(b => b.X), other.Select(b => b.X));
        }
        var otherSeed = Collect(StreamingImageFolder.Open(dir.Path, 8, 8, options: Threads(2)), 4, true, 124);
        Assert.NotEqual(reference.SelectMany(b => b.Y), otherSeed.SelectMany(b => b.Y));
    }

    [Fact]
    public void The_queue_never_holds_more_than_its_capacity()
    {
        var stream = StreamingImageFolder.Open(dir.Path, 8, 8, options: Threads(3, capacity: 2));
        int batches = 0;
        foreach (var _ in stream.Batches(2, shuffle: true, seed: 1))
        {
            Thread.Sleep(15); // a slow training step: the workers fill the queue and must stop there
            Assert.InRange(stream.LastPass!.PeakBufferedBatches, 0, 2);
            batches++;
        }
        var stats = stream.LastPass!;
        Assert.Equal(14, batches);
        Assert.Equal(2, stats.PeakBufferedBatches); // it did fill up
        Assert.Equal(27, stats.Images);
        Assert.Equal(0, stats.ActiveWorkers);
    }

    [Fact]
    public void Breaking_early_stops_the_workers_promptly()
    {
        var stream = StreamingImageFolder.Open(dir.Path, 16, 16, options: Threads(2, capacity: 3));
        var clock = Stopwatch.StartNew();
        foreach (var _ in stream.Batches(1, shuffle: false, seed: 0))
        {
            Assert.True(stream.LastPass!.ActiveWorkers > 0);
            break;
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(0, stream.LastPass!.ActiveWorkers);
        Assert.Equal(1, stream.LastPass.Batches);

        // An exception in the loop body ends the pass the same way.
        Assert.Throws<TimeoutException>(() =>
        {
            foreach (var _ in stream.Batches(1, shuffle: true, seed: 3)) throw new TimeoutException("step failed");
        });
        Assert.Equal(0, stream.LastPass.ActiveWorkers);
    }

    [Fact]
    public void A_corrupt_image_gives_the_ImageFolder_error_naming_the_file()
    {
        var bad = Path.Combine(dir.Path, "c1", "img004.png");
        File.WriteAllBytes(bad, Enumerable.Range(0, 300).Select(i => (byte)(i * 31 + 7)).ToArray());
        var expected = Assert.Throws<InvalidDataException>(() => ImageFolder.Read(dir.Path, 8, 8));
        var stream = StreamingImageFolder.Open(dir.Path, 8, 8, options: Threads(2));

        var e = Assert.Throws<InvalidDataException>(() => Collect(stream, 4, shuffle: true, seed: 9));
        Assert.Equal(expected.Message, e.Message);
        Assert.StartsWith(bad, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(0, stream.LastPass!.ActiveWorkers);
    }

    [Fact]
    public void Listing_errors_are_those_of_ImageFolder()
    {
        var missing = Path.Combine(dir.Path, "nope");
        Assert.Equal(Assert.Throws<InvalidDataException>(() => ImageFolder.Read(missing, 8, 8)).Message,
            Assert.Throws<InvalidDataException>(() => StreamingImageFolder.Open(missing, 8, 8)).Message);
        Directory.CreateDirectory(Path.Combine(dir.Path, "empty"));
        Assert.Equal(Assert.Throws<InvalidDataException>(() => ImageFolder.Read(dir.Path, 8, 8)).Message,
            Assert.Throws<InvalidDataException>(() => StreamingImageFolder.Open(dir.Path, 8, 8)).Message);
        Assert.Equal("DecodeThreads", Assert.Single(Assert.Throws<InvalidOptionsException>(() => StreamingImageFolder.Open(missing, 8, 8, options: Threads(0))).Errors).Field);
    }

    [Fact]
    public void An_unlabelled_folder_is_refused_in_one_line_naming_it()
    {
        // The images of one class, moved up into the folder itself: no subfolders left, so unlabelled.
        string loose = Path.Combine(dir.Path, "c0");
        using (var inMemory = ImageFolder.Read(loose, 8, 8)) Assert.False(inMemory.HasLabels);

        var e = Assert.Throws<InvalidDataException>(() => StreamingImageFolder.Open(loose, 8, 8));
        Assert.StartsWith(loose, e.Message);
        Assert.Contains("no labels", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Stratified_split_takes_the_same_examples_as_the_in_memory_split()
    {
        using var read = ImageFolder.Read(dir.Path, 8, 8);
        var (memTrain, memTest) = read.StratifiedSplit(0.3, seed: 4);
        using var _a = memTrain;
        using var _b = memTest;
        var (train, test) = StreamingImageFolder.Open(dir.Path, 8, 8).StratifiedSplit(0.3, seed: 4);
        Assert.Equal(memTest.Count, test.Count);
        Assert.Equal(memTrain.Count, train.Count);
        Assert.Equal(memTest.Inputs.data<float>().ToArray(), Collect(test, 50, false, 0).Single().X);
        Assert.Equal(memTrain.LabelArray(), Collect(train, 50, false, 0).Single().Y);
    }
}
