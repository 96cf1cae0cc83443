using System.Text.Json.Serialization;
using TransferSharp.MultiTask;
using TransferSharp.Training;

namespace TransferSharp.Cli.Evidence;

/// <summary>One task in metrics.json of <c>transfer multitask</c>.</summary>
internal sealed record MultiTaskTaskMetrics(
    string Name,
    string Spec,
    string Data,
    IReadOnlyList<string> Classes,
    SplitCounts Split,
    double TestAccuracy,
    double TestLoss,
    IReadOnlyDictionary<string, double> PerClassTestAccuracy,
    int Steps,
    double FinalLossWeight,
    IReadOnlyList<EpochMetrics> History,
    double? AloneTestAccuracy,
    double? GainOverAlone,
    IReadOnlyList<EpochMetrics>? AloneHistory);

/// <summary>metrics.json of <c>transfer multitask</c>, schema <c>transfersharp.multitask/1</c> (docs/metrics/multitask.md).</summary>
internal sealed record MultiTaskMetrics(
    string Model,
    IReadOnlyList<string> Shared,
    int Seed,
    int Threads,
    Machine Machine,
    MultiTaskOptions Options,
    IReadOnlyList<MultiTaskTaskMetrics> Tasks,
    IReadOnlyList<MultiTaskEpoch> Epochs,
    IReadOnlyDictionary<string, double> Metrics)
{
    public const string SchemaId = "transfersharp.multitask/1";
    [JsonPropertyOrder(-2)] public string Schema => SchemaId;
    [JsonPropertyOrder(-1)] public string Command => "multitask";

    /// <summary>The record of a finished experiment; <paramref name="texts"/> are the --task values, in the report's order.</summary>
    public static MultiTaskMetrics From(MultiTaskReport report, MultiTaskSplit split, IReadOnlyList<string> texts, int seed, int threads, MultiTaskOptions options)
    {
        var tasks = report.Tasks.Select((t, i) => new MultiTaskTaskMetrics(t.Name, texts[i], split.Tasks[i].Provenance, t.ClassNames,
            new SplitCounts(t.TrainCount, t.ValidationCount, t.TestCount), t.TestAccuracy, t.TestLoss,
            t.ClassNames.Zip(t.PerClassTestAccuracy).ToDictionary(x => x.First, x => x.Second), t.Steps, t.FinalLossWeight, t.History,
            t.AloneTestAccuracy, t.GainOverAlone, t.AloneHistory)).ToArray();
        var metrics = new Dictionary<string, double>();
        foreach (var t in report.Tasks)
        {
            metrics[$"{t.Name}/test_accuracy"] = t.TestAccuracy;
            metrics[$"{t.Name}/test_loss"] = t.TestLoss;
            metrics[$"{t.Name}/test_count"] = t.TestCount;
        }
        return new MultiTaskMetrics(report.Architecture, report.SharedStages, seed, threads, Machine.Current, options, tasks, report.Epochs, metrics);
    }
}
