using TransferSharp.Data;
using TransferSharp.FineTuning;
using TransferSharp.Training;

namespace TransferSharp.Reporting.Tour;

/// <summary>
/// The layer-transfer figure of the lecture (Yosinski et al. 2014), small: Fashion-MNIST split at random into halves
/// A and B, base networks on each, then B networks whose first n stages come from A or B, frozen or fine-tuned.
/// </summary>
internal static class TransferabilityStage
{
    public static TourStage Stage { get; } = new("transferability", "Which layers transfer",
        "Networks for task B copy their first n layers from a network trained on another task A (AnB) or on B itself " +
        "(BnB), frozen or fine-tuned (+), which measures how general each layer is. Frozen transfer from A falls as n " +
        "grows because the top layers are specific to A, and fine-tuning the copied layers recovers it.",
        Run);

    private static StageOutcome Run(TourContext tour, IProgress<double> progress, CancellationToken cancel)
    {
        using var data = tour.Shrink(Catalog.Load("fashion-mnist"), 300);
        var split = ClassSplit.Random(data.ClassNames, tour.Seed);
        var options = new TransferabilityOptions
        {
            Training = new TrainingOptions { Epochs = tour.Epochs(3, 2, 2), Seed = tour.Seed, Threads = tour.Threads, Device = tour.Device }, Seeds = [tour.Seed], TrainPerClass = tour.Pick(300, 100, 50),
        };
        var result = new TransferabilityExperiment(options).Run(data, split,
            new SyncProgress<TransferabilityProgress>(p => progress.Report((p.Done + (p.Step?.Fraction ?? 0)) / Math.Max(1, p.Total))), cancel);
        var png = tour.File("transferability", "transferability.png");
        TransferabilityFigures.SavePlot(png, result, $"transferability, Fashion-MNIST halves ({split.Description})");
        int last = result.Stages.Count;
        double Mean(string network, int n) => result.Summary(network, n).Mean;
        string anb = TransferabilityResult.Name(TransferCondition.AnB), anbPlus = TransferabilityResult.Name(TransferCondition.AnBPlus);
        return new StageOutcome($"Fashion-MNIST halves, LeNet, n = 1..{last} stages copied from A", "accuracy",
            "base B", Mean("baseB", 0), $"{anbPlus} (fine-tuned), mean over n", Enumerable.Range(1, last).Average(n => Mean(anbPlus, n)),
            [(png, "accuracy on B against the number of stages copied: the four curves and the base B line")],
            [StageDetail.Percent($"{anb} n=1 (frozen)", Mean(anb, 1)), StageDetail.Percent($"{anb} n={last} (frozen)", Mean(anb, last)),
             StageDetail.Count("B test images", result.TestCountB)]);
    }
}
