using System.Buffers.Binary;
using System.IO.Compression;
using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.Tests.Data;

/// <summary>Issue 16, causes 1, 2 and 5: empty splits, sizes checked before allocating, folder walks that neither escape nor loop.</summary>
[Collection("Sequential")]
public sealed class ReliabilityDataTests
{
    [Fact]
    public void One_example_per_class_is_refused_naming_the_empty_part_and_the_examples_per_class_it_needs()
    {
        using var data = TestData.Blobs(perClass: 1, classes: 4, dims: 3, seed: 0);
        var e = Assert.Throws<InvalidDataException>(() => TrainingSplit.InMemory(data, 0.2, 0.1, seed: 0));
        Assert.Contains("leave the test part empty", e.Message);
        Assert.Contains("at least 2 examples", e.Message);
    }

    [Fact]
    public void Two_examples_per_class_give_no_validation_part_and_say_so()
    {
        using var data = TestData.Blobs(perClass: 2, classes: 3, dims: 3, seed: 0);
        var e = Assert.Throws<InvalidDataException>(() => TrainingSplit.InMemory(data, 0.2, 0.1, seed: 0));
        Assert.Contains("validation part empty", e.Message);
        Assert.Contains("at least 3 examples", e.Message);
        using var split = TrainingSplit.InMemory(data, 0.2, 0, seed: 0);   // no validation part asked for: fine
        Assert.Equal((3, 3), (split.Train.Count, split.Test.Count));
    }

    [Fact]
    public void A_validation_fraction_of_0_means_no_validation_not_early_stopping_on_the_test_part()
    {
        using var data = TestData.Blobs(perClass: 20, classes: 3, dims: 4, seed: 2);
        using var split = TrainingSplit.InMemory(data, 0.2, 0, seed: 0);
        Assert.Equal(0, split.Validation.Count);
        using var model = TransferSharp.Models.ModelZoo.Create(new TransferSharp.Models.ModelSpec("mlp", [4], 3));
        var result = new SupervisedTrainer(new TrainingOptions { Epochs = 3, Patience = 1, Threads = 1 }).Fit(model, split.Train, split.Validation);
        Assert.Equal(3, result.History.Count);                               // nothing to stop early on
        Assert.All(result.History, h => Assert.Null(h.ValidationAccuracy));
    }

    [Fact]
    public void A_gzip_idx_whose_header_claims_more_than_its_size_can_inflate_to_is_refused_before_inflating()
    {
        using var dir = new TestData.TempFolder();
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), int.MaxValue);   // 2^31 - 1 images
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        var path = Path.Combine(dir.Path, "bomb-images-idx3-ubyte.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.SmallestSize))
        {
            gz.Write(header);
            gz.Write(new byte[4 << 20]);
        }
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("inflate to at most", e.Message);
    }

    [Fact]
    public void A_resize_that_cannot_fit_in_memory_is_refused_naming_the_setting_and_the_figure()
    {
        using var data = TestData.Squares(perClass: 2, classes: 2, channels: 1, side: 8, seed: 0);
        var copy = data.WithInputs(data.Inputs.alias(), "copy");
        var e = Assert.Throws<InvalidOptionsException>(() => Catalog.Shape(copy, new DataOptions { Resize = 1_000_000 }));
        var error = Assert.Single(e.Errors);
        Assert.Equal("Resize", error.Field);
        Assert.Contains("needs", error.Message);
        Assert.Contains("TiB", error.Message);
    }

    [Fact]
    public void Folder_walks_follow_no_link_out_of_the_root_and_never_loop()
    {
        if (OperatingSystem.IsWindows()) return;   // symbolic links need privileges there
        using var dir = new TestData.TempFolder();
        var root = Path.Combine(dir.Path, "pets");
        ImageFolderFixtures.Write(root, classes: 2, perClass: 3, side: 8, seed: 1);
        Directory.CreateSymbolicLink(Path.Combine(root, "c0", "up"), "..");                 // a loop back to the root
        Directory.CreateSymbolicLink(Path.Combine(root, "c1", "everything"), "/");          // out of the root
        var outside = Path.Combine(dir.Path, "outside.png");
        File.Copy(Path.Combine(root, "c0", "img000.png"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "c1", "stolen.png"), outside);           // a file out of the root

        Assert.Equal(6, Predictor.ImageFiles(root).Count);
        var listing = ImageFolder.List(root);
        Assert.Equal(6, listing.Files.Count);
        Assert.Equal(["c0", "c1"], listing.ClassNames);
    }

    [Fact]
    public void A_word_vector_file_whose_first_line_has_another_dimension_blames_that_line()
    {
        string[] lines = ["cat 0.5", "cat 0.1 0.2", "dog 0.3 0.4", "horse 0.5 -0.6"];
        var e = Assert.Throws<InvalidDataException>(() => TransferSharp.ZeroShot.WordVectors.Read("v.txt", lines, ["cat", "dog"]));
        Assert.Contains("line 1 sets the dimension to 1 but 3 other lines have 2 values", e.Message);
    }

    [Theory]
    [InlineData("cat 0 0|dog 0.3 0.4", "'cat' is all zeros")]
    [InlineData("cat 0.1 0.2|dog 0.1 0.2", "'cat' and 'dog' have the same word vector")]
    public void All_zero_or_duplicate_class_vectors_are_refused(string file, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => TransferSharp.ZeroShot.WordVectors.Read("v.txt", file.Split('|'), ["cat", "dog"]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_idx_pair_may_be_raw_and_gzip_independently_and_a_labels_file_is_not_taken_for_images()
    {
        using var dir = new TestData.TempFolder();
        var images = Path.Combine(dir.Path, "t-images-idx3-ubyte");
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 2);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 2);
        File.WriteAllBytes(images, [.. header, 0, 255, 0, 255, 9, 9, 9, 9]);
        var labels = Path.Combine(dir.Path, "t-labels-idx1-ubyte.gz");
        using (var gz = new GZipStream(File.Create(labels), CompressionLevel.Optimal))
            gz.Write([0, 0, 8, 1, 0, 0, 0, 2, 1, 0]);
        Assert.Equal(labels, Catalog.IdxLabelsPath(images));
        using (var data = Catalog.Load(images)) Assert.Equal([1L, 0L], data.LabelArray());
        var e = Assert.Throws<InvalidDataException>(() => Catalog.IdxLabelsPath(labels));
        Assert.Contains("an IDX labels file", e.Message);
    }

    [Fact]
    public void A_huge_image_is_refused_naming_the_file_before_any_pixel_is_allocated()
    {
        using var dir = new TestData.TempFolder();
        var path = Path.Combine(dir.Path, "huge.png");
        File.WriteAllBytes(path, Png(60000, 60000));   // a header claiming 60000x60000: 14 GB of RGBA
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.ReadImage(path, 8, 8));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("60000x60000", e.Message);
    }

    [Fact]
    public void A_cached_fashion_mnist_file_that_fails_its_checksum_is_named_as_such()
    {
        using var dir = new TestData.TempFolder();
        var cached = Path.Combine(dir.Path, "fashion-mnist", "a.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        using (var gz = new GZipStream(File.Create(cached), CompressionLevel.Optimal)) gz.Write([1, 2, 3]);
        var e = Assert.Throws<InvalidDataException>(() => FashionMnistFull.Load(dir.Path, "http://127.0.0.1:9/",
            [("a.gz", new string('0', 64))], Path.Combine(dir.Path, "no-system-copy")));
        Assert.StartsWith(cached, e.Message);
        Assert.Contains("failed the SHA-256 check", e.Message);
    }

    /// <summary>A PNG with a valid header of the given size and a tiny (incomplete) image stream.</summary>
    private static byte[] Png(int width, int height)
    {
        static byte[] Chunk(string type, byte[] data)
        {
            var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Gzip.Crc32(typed));
            return [.. length, .. typed, .. crc];
        }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 6;   // 8-bit RGBA
        using var z = new MemoryStream();
        using (var zl = new ZLibStream(z, CompressionLevel.Optimal)) zl.Write(new byte[1000]);
        return [137, 80, 78, 71, 13, 10, 26, 10, .. Chunk("IHDR", ihdr), .. Chunk("IDAT", z.ToArray()), .. Chunk("IEND", [])];
    }
}
