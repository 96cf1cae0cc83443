using System.Diagnostics;
using TransferSharp.Training;

namespace TransferSharp.Cli.Tour;

/// <summary>Runs the tour's stages in order; a stage that fails is recorded with its error and the others go on.</summary>
internal static class TourRunner
{
    public static IReadOnlyList<TourReport.StageRecord> Run(IReadOnlyList<TourStage> stages, TourContext tour, CancellationToken cancellation,
        Action<int>? started = null, Action<int, double>? progress = null, Action<int, TourReport.StageRecord>? finished = null)
    {
        var records = new List<TourReport.StageRecord>();
        for (int i = 0; i < stages.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            started?.Invoke(i);
            var clock = Stopwatch.StartNew();
            int index = i;
            TourReport.StageRecord record;
            try
            {
                Seeding.SeedEverything(tour.Seed);
                var outcome = stages[i].Run(tour, new SyncProgress<double>(f => progress?.Invoke(index, Math.Clamp(f, 0, 1))), cancellation);
                record = new TourReport.StageRecord(stages[i], outcome, null, clock.Elapsed.TotalSeconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                record = new TourReport.StageRecord(stages[i], null, e.Message.Split('\n')[0], clock.Elapsed.TotalSeconds);
            }
            records.Add(record);
            finished?.Invoke(i, record);
        }
        return records;
    }
}

/// <summary>Reports on the calling (training) thread; Progress&lt;T&gt; would post to the thread pool.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
