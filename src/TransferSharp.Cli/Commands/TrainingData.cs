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
    public StreamStatistics? LastTrainingPass => streamedTrain?.LastPass;

    /// <summary>Loads the dataset into memory and splits it.</summary>
    /// <param name="data">What to load.</param>
    /// <param name="testFraction">Held-out test part, stratified with <paramref name="seed"/>.</param>
    /// <param name="validationFraction">Validation part of the rest (seed + 1); 0 = validate on the test part.</param>
    /// <param name="seed">Seeds the splits.</param>
    /// <param name="option">The option that named the data, for errors (<c>--data</c>, <c>--target</c>).</param>
    /// <param name="prepare">Applied to the whole dataset before splitting (takes ownership), e.g. a source model's preprocessing.</param>
    /// <param name="shots">Keep only this many training examples per class (seed + 2).</param>
    public static TrainingData InMemory(DataSettings data, double testFraction, double validationFraction, int seed,
        string option = "--data", Func<Dataset, Dataset>? prepare = null, int? shots = null)
    {
        string label = data.Data!;
        using var all = (prepare ?? (d => d))(data.LoadData());
        if (!all.HasLabels) throw new ArgumentException($"{option} {label}: the dataset has no labels to train on");
        var (rest, test) = all.StratifiedSplit(testFraction, seed);
        var (pool, validation) = validationFraction > 0 ? rest.StratifiedSplit(validationFraction, seed + 1) : (rest, test);
        if (validationFraction > 0) rest.Dispose();
        var train = pool;
        if (shots is { } k)
        {
            try { train = pool.TakePerClass(k, seed + 2); }
            catch (ArgumentException e)
            {
                pool.Dispose(); test.Dispose(); if (validation != test) validation.Dispose();
                throw new ArgumentException($"--shots {k}: {e.Message}");
            }
            pool.Dispose();
        }
        return validation == test
            ? new TrainingData(train, test, test, all.ToString(), all.Provenance, train, test)
            : new TrainingData(train, validation, test, all.ToString(), all.Provenance, train, validation, test);
    }

    /// <summary>Lists an image folder (nothing decoded yet) and splits its file list.</summary>
    /// <remarks>The parts split as <see cref="InMemory"/> splits (same seeds); <paramref name="prepare"/> is applied to
    /// each streamed part, e.g. a source model's preprocessing batch by batch.</remarks>
    public static TrainingData Streamed(string folder, int size, bool rgb, StreamingOptions options, double testFraction,
        double validationFraction, int seed, string option = "--data", Func<IBatchSource, IBatchSource>? prepare = null)
    {
        if (!Directory.Exists(folder))
            throw new ArgumentException(StreamChoice.NotAFolder(option, folder));
        var all = StreamingImageFolder.Open(folder, size, size, rgb, options);
        var (rest, test) = all.StratifiedSplit(testFraction, seed);
        var (train, validation) = validationFraction > 0 ? rest.StratifiedSplit(validationFraction, seed + 1) : (rest, test);
        prepare ??= s => s;
        var preparedTest = prepare(test);
        return new TrainingData(prepare(train), validationFraction > 0 ? prepare(validation) : preparedTest, preparedTest,
            all.ToString(), all.Provenance) { streamedTrain = train };
    }

    private StreamingImageFolder? streamedTrain;

    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
    }
}
