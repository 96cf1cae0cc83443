using System.Text.Json.Serialization;
using TransferSharp.Evaluation;
using TransferSharp.SelfTaught;

namespace TransferSharp.Cli.Evidence;

/// <summary>The machine of a self-taught run, with its thread count.</summary>
internal sealed record ThreadedMachine(int Cores, int Threads, string Os)
{
    public static ThreadedMachine Current(int threads) =>
        new(Environment.ProcessorCount, threads, System.Runtime.InteropServices.RuntimeInformation.OSDescription);
}

/// <summary>metrics.json of <c>transfer selftaught learn</c>, schema <c>transfersharp.selftaught-learn/1</c> (docs/metrics/selftaught-learn.md).</summary>
internal sealed record SelfTaughtLearnMetrics(
    string Source,
    string Target,
    string SourceProvenance,
    string TargetProvenance,
    int Seed,
    ThreadedMachine Machine,
    AutoencoderOptions AutoencoderOptions,
    FeatureClassifierOptions ClassifierOptions,
    SelfTaughtSplitCounts Split,
    AutoencoderSummary Autoencoder,
    PcaSummary? Pca,
    IReadOnlyList<SelfTaughtLearnRow> Results)
{
    public const string SchemaId = "transfersharp.selftaught-learn/1";
    [JsonPropertyOrder(-2)] public string Schema => SchemaId;
    [JsonPropertyOrder(-1)] public string Command => "selftaught learn";
}

/// <summary>metrics.json of <c>transfer selftaught cluster</c>, schema <c>transfersharp.selftaught-cluster/1</c> (docs/metrics/selftaught-cluster.md).</summary>
internal sealed record SelfTaughtClusterMetrics(
    string Source,
    string Target,
    string SourceProvenance,
    string TargetProvenance,
    int Seed,
    ThreadedMachine Machine,
    AutoencoderOptions AutoencoderOptions,
    KMeansOptions KmeansOptions,
    SelfTaughtClusterCounts Counts,
    AutoencoderSummary Autoencoder,
    IReadOnlyList<SelfTaughtClusterResult> Results,
    IReadOnlyDictionary<string, long[]> Assignments)
{
    public const string SchemaId = "transfersharp.selftaught-cluster/1";
    [JsonPropertyOrder(-2)] public string Schema => SchemaId;
    [JsonPropertyOrder(-1)] public string Command => "selftaught cluster";
}
