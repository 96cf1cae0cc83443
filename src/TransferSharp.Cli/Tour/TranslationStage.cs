using TransferSharp.Translation;

namespace TransferSharp.Cli.Tour;

/// <summary>Zero-shot translation: numbers in words, one model trained on en↔fr and en↔de, tested on fr↔de it never saw paired.</summary>
internal static class TranslationStage
{
    public static TourStage Stage { get; } = new("translate", "Zero-shot translation",
        "One multilingual Transformer reads a token naming the output language before the sentence (Johnson et al. 2017). " +
        "Trained only on English-French and English-German pairs of numbers written in words, it is asked for French-German " +
        "directly (zero-shot), against the same model bridged through English and a model that also got French-German pairs (direct).",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        var splits = NumbersCorpus.Create(new NumbersCorpusOptions
        {
            Languages = ["en", "fr", "de"], Maximum = 9_999, Train = tour.Pick(1_500, 600, 150), Validation = 50, Test = tour.Pick(100, 50, 20), Seed = tour.Seed,
        });
        var experiment = new TranslationExperimentOptions
        {
            Train = TranslationDirection.ParseList("en-fr,fr-en,en-de,de-en"), ZeroShot = TranslationDirection.ParseList("fr-de,de-fr"),
            Direct = tour.Scale != TourScale.Quick,
        };
        var options = new TranslationOptions { Epochs = tour.Epochs(4, 4, 2), Seed = tour.Seed, Threads = tour.Threads, MaxLength = 96 };
        using var outcome = TranslationExperiment.Run(splits, experiment, options, new ScaledRuns(progress, 0, 1), cancel);
        var r = outcome.Report;
        double Mean(string system) => r.Mean(system, s => s.ChrF);
        var details = new List<StageDetail>
        {
            StageDetail.Percent("zero-shot exact match", r.Mean(TranslationExperiment.ZeroShot, s => s.ExactMatch)),
            StageDetail.Percent("bridged exact match", r.Mean(TranslationExperiment.Bridged, s => s.ExactMatch)),
            StageDetail.Percent("zero-shot wrong-language rate", r.Mean(TranslationExperiment.ZeroShot, s => s.WrongLanguage)),
            StageDetail.Percent("supervised directions exact match", r.Mean(TranslationExperiment.Supervised, s => s.ExactMatch)),
            StageDetail.Percent("cross-language retrieval in the encoder", r.Retrieval.MeanAccuracy),
            StageDetail.Count("test numbers per direction", r.Rows["test"]),
        };
        var outcomeRow = new StageOutcome($"numbers in words, trained en↔fr, en↔de; tested fr↔de ({r.Rows["train"]:N0} training numbers)", "chrF",
            "bridged via English", Mean(TranslationExperiment.Bridged), "zero-shot", Mean(TranslationExperiment.ZeroShot), [], details);
        return experiment.Direct ? outcomeRow with { OtherMethods = [new MethodScore("direct (trained on fr↔de)", Mean(TranslationExperiment.Direct))] } : outcomeRow;
    }
}
