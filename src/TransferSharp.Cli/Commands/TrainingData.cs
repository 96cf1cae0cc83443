using TransferSharp.Data;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// The train / validation / test parts <c>transfer train</c> works on: read into memory, or (with <c>--stream</c>)
/// streamed from an image folder, every part decoded on background threads batch by batch. Both split the same way
/// (stratified, the same seeds), so the same folder gives the same parts either way.
/// </summary>
internal sealed class TrainingData : IDisposable
{
    private readonly IDisposable[] owned;

    private TrainingData(IBatchSource train, IBatchSource validation, IBatchSource test, string summary, string provenance,
        params IDisposable[] owned)
    {
        Train = train;
        Validation = validation;
        Test = test;
        Summary = summary;
        Provenance = provenance;
        this.owned = owned;
    }

    public IBatchSource Train { get; }
    /// <summary>Per-epoch validation: its own split, or the test part when the validation fraction is 0.</summary>
    public IBatchSource Validation { get; }
    public IBatchSource Test { get; }
    public long[] ExampleShape => Train.ExampleShape;
    public IReadOnlyList<string> ClassNames => Train.ClassNames;
    /// <summary>One line about the whole set, e.g. <c>mnist: 10000 x 1x28x28, 10 classes</c>.</summary>
    public string Summary { get; }
    public string Provenance { get; }
    /// <summary>Counters of the last training epoch's stream (decode waits, queue use); null when not streamed.</summary>
    public StreamStatistics? LastTrainingPass => (Train as StreamingImageFolder)?.LastPass;

    /// <summary>Loads the dataset into memory and splits it.</summary>
    public static TrainingData InMemory(DataSettings data, double testFraction, double validationFraction, int seed)
    {
        string label = data.Data!;
        using var all = data.LoadData();
        if (!all.HasLabels) throw new ArgumentException($"--data {label}: the dataset has no labels to train on");
        var (rest, test) = all.StratifiedSplit(testFraction, seed);
        if (validationFraction <= 0) return new TrainingData(rest, test, test, all.ToString(), all.Provenance, rest, test);
        using (rest)
        {
            var (train, validation) = rest.StratifiedSplit(validationFraction, seed + 1);
            return new TrainingData(train, validation, test, all.ToString(), all.Provenance, train, validation, test);
        }
    }

    /// <summary>Lists an image folder (nothing decoded yet) and splits its file list.</summary>
    public static TrainingData Streamed(string folder, int size, bool rgb, StreamingOptions options, double testFraction,
        double validationFraction, int seed)
    {
        if (!Directory.Exists(folder))
            throw new ArgumentException($"--data {folder}: --stream reads image folders only (root/<class>/<images>), and this is not a folder");
        var all = StreamingImageFolder.Open(folder, size, size, rgb, options);
        var (rest, test) = all.StratifiedSplit(testFraction, seed);
        var (train, validation) = validationFraction > 0 ? rest.StratifiedSplit(validationFraction, seed + 1) : (rest, test);
        return new TrainingData(train, validation, test, all.ToString(), all.Provenance);
    }

    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
    }
}
