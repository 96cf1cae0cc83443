using SkiaSharp;
using TransferSharp.Reporting;

namespace TransferSharp.Tests.Reporting;

public sealed class LearningCurvePlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ts-curve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<EpochRecord> History(int epochs, bool withValidation = true) =>
        Enumerable.Range(1, epochs)
            .Select(e => new EpochRecord(e, 2.0 / e, 1 - 0.5 / e,
                withValidation ? 2.2 / e + 0.05 : null,
                withValidation ? 1 - 0.6 / e : null))
            .ToList();

    [Theory]
    [InlineData(900, 450)]
    [InlineData(640, 300)]
    public void Writes_a_decodable_png_of_the_requested_size(int width, int height)
    {
        string path = Path.Combine(_dir, "curve.png");

        LearningCurvePlot.Save(path, History(12), "LeNet on MNIST", width, height);

        Assert.True(new FileInfo(path).Length > 0);
        using var png = SKBitmap.Decode(path);
        Assert.NotNull(png);
        Assert.Equal(width, png.Width);
        Assert.Equal(height, png.Height);
        Assert.False(File.Exists(path + ".tmp"));
        // Not a blank image: some pixel differs from the white background.
        Assert.Contains(png.Pixels, p => p != SKColors.White);
    }

    [Fact]
    public void Handles_one_epoch_missing_validation_and_non_finite_values()
    {
        string path = Path.Combine(_dir, "curve.png");
        LearningCurvePlot.Save(path, History(1, withValidation: false), "one epoch");
        using (var png = SKBitmap.Decode(path))
            Assert.Equal((900, 450), (png.Width, png.Height));

        var history = History(5);
        history[2] = history[2] with { TrainLoss = double.NaN, ValidationLoss = double.PositiveInfinity };
        LearningCurvePlot.Save(path, history, "diverged");
        using (var png = SKBitmap.Decode(path))
            Assert.Equal((900, 450), (png.Width, png.Height));
    }

    [Fact]
    public void Overwrites_an_existing_file()
    {
        string path = Path.Combine(_dir, "curve.png");
        File.WriteAllText(path, "old");

        LearningCurvePlot.Save(path, History(3), "again", 400, 300);

        using var png = SKBitmap.Decode(path);
        Assert.Equal((400, 300), (png.Width, png.Height));
    }

    [Fact]
    public void Failing_write_throws_and_leaves_no_temp_file()
    {
        string missing = Path.Combine(_dir, "no-such-dir");
        string path = Path.Combine(missing, "curve.png");

        Assert.ThrowsAny<IOException>(() => LearningCurvePlot.Save(path, History(3), "x"));

        Assert.False(File.Exists(path + ".tmp"));
        Assert.False(Directory.Exists(missing));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Empty_history_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => LearningCurvePlot.Save(Path.Combine(_dir, "c.png"), [], "x"));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
