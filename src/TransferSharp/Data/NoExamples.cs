namespace TransferSharp.Data;

/// <summary>
/// A part with no examples but the shape and classes of another: the validation part when the validation fraction
/// is 0. Trainers treat an empty validation source as none (no per-epoch score, no early stopping), where the test
/// part used to stand in and early stopping chose its epoch on the test data.
/// </summary>
internal sealed class NoExamples(IBatchSource like, string name) : IBatchSource
{
    public string Name { get; } = name;
    public int Count => 0;
    public bool HasLabels => like.HasLabels;
    public long[] ExampleShape => like.ExampleShape;
    public IReadOnlyList<string> ClassNames => like.ClassNames;
    public IEnumerable<Batch> Batches(int batchSize, bool shuffle, ulong seed) => [];
}
