using System.Text.Json.Serialization;
using TransferSharp.FineTuning;
using TransferSharp.Training;

namespace TransferSharp.Cli.Evidence;

/// <summary>The machine a run ran on.</summary>
internal sealed record Machine(int Cores, string Os)
{
    public static Machine Current => new(Environment.ProcessorCount, System.Runtime.InteropServices.RuntimeInformation.OSDescription);
}

/// <summary>Example counts of the target's parts.</summary>
internal sealed record SplitCounts(int Train, int Validation, int Test);

/// <summary>
/// metrics.json of <c>transfer finetune</c>, schema <c>transfersharp.finetune/1</c> (docs/metrics/finetune.md): the
/// fine-tuned variant's numbers at the top level (as before the schema), the from-scratch baseline under
/// <c>scratch</c> when trained.
/// </summary>
internal sealed record FinetuneMetrics(
    string Source,
    string Target,
    string Provenance,
    bool Streamed,
    string Model,
    IReadOnlyList<string> CopiedStages,
    IReadOnlyList<string> NewStages,
    CopiedStageMode Mode,
    ConservativeOptions Conservative,
    int? Shots,
    int Seed,
    int Threads,
    Machine Machine,
    TrainingOptions Options,
    SplitCounts Split,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> PerClassTestAccuracy,
    IReadOnlyList<EpochMetrics> History,
    FineTuningRun? Scratch,
    double? GainOverScratch)
{
    public const string SchemaId = "transfersharp.finetune/1";
    [JsonPropertyOrder(-2)] public string Schema => SchemaId;
    [JsonPropertyOrder(-1)] public string Command => "finetune";
}
