using TransferSharp.Translation;

namespace TransferSharp.Reporting.Tour;

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
            Languages = ["en", "fr", "de"], Train = tour.Pick(700, 500, 60), Validation = tour.Pick(50, 50, 5), Test = tour.Pick(100, 50, 10), Seed = tour.Seed,
        });
        var experiment = new TranslationExperimentOptions
        {
            Train = TranslationDirection.ParseList("en-fr,fr-en,en-de,de-en"), ZeroShot = TranslationDirection.ParseList("fr-de,de-fr"),
            Direct = tour.Scale == TourScale.Full,
        };
        var options = new TranslationOptions { Epochs = tour.Epochs(12, 8, 1), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device };
        if (tour.Scale == TourScale.Tiny) options = options with { ModelSize = 32, Layers = 1, FeedForward = 64 };
        using var outcome = TranslationExperiment.Run(splits, experiment, options, new ScaledRuns(progress, 0, 1), cancel);
        var r = outcome.Report;
        var picture = tour.File("translate", "sequence-language.png");
        TranslationFigures.SaveSequenceLanguage(picture, outcome.Multilingual, splits.Test, experiment.Pivot);
        double Exact(string system) => r.Mean(system, s => s.ExactMatch);
        var details = new List<StageDetail>
        {
            StageDetail.Number("zero-shot chrF", r.Mean(TranslationExperiment.ZeroShot, s => s.ChrF)),
            StageDetail.Number("bridged chrF", r.Mean(TranslationExperiment.Bridged, s => s.ChrF)),
            StageDetail.Percent("zero-shot wrong-language rate", r.Mean(TranslationExperiment.ZeroShot, s => s.WrongLanguage)),
            StageDetail.Percent("supervised directions exact match", r.Mean(TranslationExperiment.Supervised, s => s.ExactMatch)),
            StageDetail.Number("supervised directions chrF", r.Mean(TranslationExperiment.Supervised, s => s.ChrF)),
            StageDetail.Percent("cross-language retrieval in the encoder", r.Retrieval.MeanAccuracy),
            StageDetail.Count("test numbers per direction", r.Rows["test"]),
        };
        // The summary's metric is exact match (an accuracy over test numbers); chrF, kinder to near misses, is in the details.
        var outcomeRow = new StageOutcome($"numbers 0-999 in words, trained en↔fr, en↔de; tested fr↔de ({r.Rows["train"]:N0} training numbers)", "accuracy",
            "bridged via English", Exact(TranslationExperiment.Bridged), "zero-shot", Exact(TranslationExperiment.ZeroShot),
            [(picture, "the multilingual encoder's states of the same test numbers in three languages (t-SNE): by language, and by meaning")], details);
        return experiment.Direct ? outcomeRow with { OtherMethods = [new MethodScore("direct (trained on fr↔de)", Exact(TranslationExperiment.Direct))] } : outcomeRow;
    }
}
