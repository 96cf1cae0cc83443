using TransferSharp.Training;

namespace TransferSharp.Data;

/// <summary>
/// The train / validation / test parts a supervised experiment works on: split in memory, or (<see cref="Streamed"/>)
/// streamed from an image folder, every part decoded on background threads batch by batch. Both split the same way
/// (stratified; test with the seed, validation with seed + 1, shots with seed + 2), so the same folder gives the same
/// parts either way.
/// </summary>
public sealed class TrainingSplit : IDisposable
{
    private readonly IDisposable[] owned;
    private StreamingImageFolder? streamedTrain;

    private TrainingSplit(IBatchSource train, IBatchSource validation, IBatchSource test, string summary, string provenance,
        params IDisposable[] owned)
    {
        Train = train;
        Validation = validation;
        Test = test;
        Summary = summary;
        Provenance = provenance;
        this.owned = owned;
    }

    /// <summary>The training part (only the shots, when taken).</summary>
    public IBatchSource Train { get; }
    /// <summary>Per-epoch validation: its own split; empty (no validation, no early stopping) when the validation fraction is 0.</summary>
    public IBatchSource Validation { get; }
    /// <summary>The held-out test part.</summary>
    public IBatchSource Test { get; }
    /// <summary>The shape of one example.</summary>
    public long[] ExampleShape => Train.ExampleShape;
    /// <summary>The class names.</summary>
    public IReadOnlyList<string> ClassNames => Train.ClassNames;
    /// <summary>One line about the whole set, e.g. <c>mnist: 10000 x 1x28x28, 10 classes</c>.</summary>
    public string Summary { get; }
    /// <summary>Where the data came from.</summary>
    public string Provenance { get; }
    /// <summary>Counters of the last training epoch's stream (decode waits, queue use); null when not streamed.</summary>
    public StreamStatistics? LastTrainingPass => streamedTrain?.LastPass;

    /// <summary>Splits a labelled dataset held in memory; <paramref name="all"/> stays the caller's.</summary>
    /// <param name="all">The whole set.</param>
    /// <param name="testFraction">Held-out test part of every class, stratified with <paramref name="seed"/>.</param>
    /// <param name="validationFraction">Validation part of the rest (seed + 1); 0 = no validation part (an empty one).</param>
    /// <param name="seed">Seeds the splits.</param>
    /// <param name="shots">Keep only this many training examples per class (seed + 2).</param>
    /// <exception cref="ArgumentException">No labels; or (an <see cref="InvalidOptionsException"/> of field <c>Shots</c>) a class with fewer than K training examples.</exception>
    public static TrainingSplit InMemory(Dataset all, double testFraction, double validationFraction, int seed, int? shots = null)
    {
        if (!all.HasLabels) throw new ArgumentException("the dataset has no labels to train on");
        var (rest, test) = all.StratifiedSplit(testFraction, seed);
        var (pool, validation) = validationFraction > 0 ? rest.StratifiedSplit(validationFraction, seed + 1) : (rest, test);
        if (validationFraction > 0) rest.Dispose();
        try { RequireParts(all.Name, all.Count, all.ClassNames.Count, pool.Count, validationFraction > 0 ? validation.Count : null, test.Count); }
        catch
        {
            pool.Dispose(); test.Dispose(); if (validation != test) validation.Dispose();
            throw;
        }
        var train = pool;
        if (shots is { } k)
        {
            try { train = pool.TakePerClass(k, seed + 2); }
            catch (ArgumentException e)
            {
                pool.Dispose(); test.Dispose(); if (validation != test) validation.Dispose();
                throw new InvalidOptionsException([new("Shots", $"shots {k}: {e.Message}")]);
            }
            pool.Dispose();
        }
        return validation == test
            ? new TrainingSplit(train, new NoExamples(test, all.Name + " (no validation part)"), test, all.ToString(), all.Provenance, train, test)
            : new TrainingSplit(train, validation, test, all.ToString(), all.Provenance, train, validation, test);
    }

    /// <summary>Lists an image folder (nothing decoded yet) and splits its file list as <see cref="InMemory"/> splits.</summary>
    /// <param name="folder">An image folder of class subfolders.</param>
    /// <param name="size">The side images are decoded at.</param>
    /// <param name="rgb">RGB (true) or grey.</param>
    /// <param name="options">Decode threads and queue.</param>
    /// <param name="testFraction">As in <see cref="InMemory"/>.</param>
    /// <param name="validationFraction">As in <see cref="InMemory"/>.</param>
    /// <param name="seed">As in <see cref="InMemory"/>.</param>
    /// <param name="prepare">Applied to each streamed part, e.g. a source model's preprocessing batch by batch.</param>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    public static TrainingSplit Streamed(string folder, int size, bool rgb, StreamingOptions options, double testFraction,
        double validationFraction, int seed, Func<IBatchSource, IBatchSource>? prepare = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder");
        var all = StreamingImageFolder.Open(folder, size, size, rgb, options);
        var (rest, test) = all.StratifiedSplit(testFraction, seed);
        var (train, validation) = validationFraction > 0 ? rest.StratifiedSplit(validationFraction, seed + 1) : (rest, test);
        RequireParts(folder, all.Count, all.ClassNames.Count, train.Count, validationFraction > 0 ? validation.Count : null, test.Count);
        prepare ??= s => s;
        var preparedTest = prepare(test);
        return new TrainingSplit(prepare(train), validationFraction > 0 ? prepare(validation) : new NoExamples(preparedTest, all.Name + " (no validation part)"), preparedTest,
            all.ToString(), all.Provenance) { streamedTrain = train };
    }

    /// <summary>
    /// Refuses a split that leaves a part empty: training on nothing, or scoring on nothing, reports NaN as a result.
    /// The stratified split gives a class's first example to training, its second to the test part and its third to
    /// validation, so some class needs 2 examples for a test part and 3 for a validation part.
    /// </summary>
    /// <exception cref="InvalidDataException">A part is empty, naming it and the examples per class it needs.</exception>
    internal static void RequireParts(string source, long examples, int classes, long train, long? validation, long test)
    {
        string? part = train == 0 ? "training" : test == 0 ? "test" : validation == 0 ? "validation" : null;
        if (part is null) return;
        int need = part switch { "training" => 1, "test" => 2, _ => 3 };
        throw new InvalidDataException(
            $"{source}: {examples} examples in {classes} classes leave the {part} part empty (train {train}, " +
            $"validation {(validation is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}, test {test}); " +
            $"a {part} part needs a class with at least {need} example{(need > 1 ? "s" : "")}{(part == "validation" ? " (or a validation fraction of 0)" : "")}");
    }

    /// <summary>Releases the parts held in memory.</summary>
    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
    }
}
