namespace TransferSharp.Reporting.Tour;

/// <summary>The stages of the tour, one per family, in the lecture's order.</summary>
public static class TourStages
{
    public static IReadOnlyList<TourStage> All { get; } =
    [
        FineTuningStage.Stage,
        TransferabilityStage.Stage,
        MultiTaskStage.Stage,
        DomainAdaptationStage.Stage,
        ZeroShotStage.Stage,
        TranslationStage.Stage,
        SelfTaughtStages.Learning,
        SelfTaughtStages.Clustering,
    ];
}
