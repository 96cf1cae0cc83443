using System.Text.Json.Serialization;
using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>One test sentence: source, reference and the system's output.</summary>
public sealed record TranslationSample(string Source, string Reference, string Output);

/// <summary>
/// One system's scores on one direction's test rows: exact-match fraction, chrF and BLEU (×100, see
/// <see cref="TranslationMetrics"/>), and the fraction of outputs identified as another language than the target.
/// </summary>
public sealed record DirectionScore(string Direction, string System, int Sentences, double ExactMatch, double ChrF, double Bleu,
    double WrongLanguage, IReadOnlyList<TranslationSample> Samples);

/// <summary>
/// How close translations sit in the encoder's space: for each pair of languages, the fraction of test sentences whose
/// nearest neighbour (cosine, mean-pooled encoder states) among the other language's sentences is their own
/// translation; chance is 1 / sentences.
/// </summary>
public sealed record RetrievalScore(int Sentences, double MeanAccuracy, IReadOnlyDictionary<string, double> PerPair);

/// <summary>
/// The result of <see cref="TranslationExperiment.Run"/>; serialised as metrics.json with schema
/// <c>transfersharp.translate/1</c> (docs/metrics/translate.md).
/// </summary>
public sealed class TranslationReport
{
    internal TranslationReport(CorpusSplits splits, TranslationExperimentOptions experiment, TranslationOptions options, IReadOnlyList<DirectionScore> scores,
        TranslationTraining training, TranslationTraining? directTraining, IReadOnlyList<EpochMetrics> history, IReadOnlyList<EpochMetrics>? directHistory,
        RetrievalScore retrieval)
    {
        Corpus = splits.Train.Source.Replace(" (train)", "");
        Languages = splits.Train.Languages;
        Rows = new Dictionary<string, int> { ["train"] = splits.Train.Count, ["validation"] = splits.Validation.Count, ["test"] = splits.Test.Count };
        TrainDirections = experiment.Train.Select(d => d.ToString()).ToArray();
        ZeroShotDirections = experiment.ZeroShot.Select(d => d.ToString()).ToArray();
        Pivot = experiment.Pivot;
        Options = options;
        Scores = scores;
        Training = training;
        DirectTraining = directTraining;
        History = history;
        DirectHistory = directHistory;
        Retrieval = retrieval;
    }

    /// <summary>The version of this record's JSON form.</summary>
    [JsonPropertyOrder(-2)]
    public string Schema => "transfersharp.translate/1";
    /// <summary>Where the rows came from.</summary>
    public string Corpus { get; }
    /// <summary>The corpus's languages.</summary>
    public IReadOnlyList<string> Languages { get; }
    /// <summary>Rows per part (train, validation, test).</summary>
    public IReadOnlyDictionary<string, int> Rows { get; }
    /// <summary>Directions trained on.</summary>
    public IReadOnlyList<string> TrainDirections { get; }
    /// <summary>Directions tested zero-shot.</summary>
    public IReadOnlyList<string> ZeroShotDirections { get; }
    /// <summary>The bridged baseline's pivot language.</summary>
    public string Pivot { get; }
    /// <summary>Model and training settings of both models.</summary>
    public TranslationOptions Options { get; }
    /// <summary>Every (direction, system) score: supervised for training directions; zero-shot, bridged, direct for zero-shot ones.</summary>
    public IReadOnlyList<DirectionScore> Scores { get; }
    /// <summary>The multilingual model's training time and speed.</summary>
    public TranslationTraining Training { get; }
    /// <summary>The direct baseline's; null without it.</summary>
    public TranslationTraining? DirectTraining { get; }
    /// <summary>The multilingual model's per-epoch history (validation accuracy: teacher-forced token accuracy).</summary>
    public IReadOnlyList<EpochMetrics> History { get; }
    /// <summary>The direct baseline's; null without it.</summary>
    public IReadOnlyList<EpochMetrics>? DirectHistory { get; }
    /// <summary>Cross-language retrieval in the multilingual model's encoder space.</summary>
    public RetrievalScore Retrieval { get; }

    /// <summary>What was skipped and why (e.g. the direct baseline when a pair-file corpus has no training pair of a zero-shot direction); empty when nothing was.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The mean over zero-shot directions of one system's score; NaN when the system did not run.</summary>
    public double Mean(string system, Func<DirectionScore, double> value)
    {
        var s = Scores.Where(x => x.System == system && ZeroShotDirections.Contains(x.Direction)).ToArray();
        return s.Length == 0 ? double.NaN : s.Average(value);
    }
}
