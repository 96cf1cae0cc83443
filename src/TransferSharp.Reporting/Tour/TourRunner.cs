using System.Diagnostics;
using TransferSharp.Training;

namespace TransferSharp.Reporting.Tour;

/// <summary>How a stage ended.</summary>
public enum StageStatus { Ok, Failed, Interrupted }

/// <summary>One stage's outcome (when it finished), or its error (first line of the root cause; the whole exception for <c>--verbose</c>), and its time.</summary>
public sealed record StageRecord(TourStage Stage, StageStatus Status, StageOutcome? Outcome, string? Error, double Seconds, Exception? Exception = null);

/// <summary>
/// Runs the tour's stages in order. A stage that fails is recorded with its error and the others go on; on cancellation
/// (Ctrl+C) the running stage and those after it are recorded as interrupted, so the finished ones still reach the report.
/// </summary>
public static class TourRunner
{
    public static IReadOnlyList<StageRecord> Run(IReadOnlyList<TourStage> stages, TourContext tour, CancellationToken cancellation,
        Action<int>? started = null, Action<int, double>? progress = null, Action<int, StageRecord>? finished = null)
    {
        var records = new List<StageRecord>();
        for (int i = 0; i < stages.Count; i++)
        {
            int index = i;
            records.Add(cancellation.IsCancellationRequested ? Interrupted(stages[i], 0)
                : Run(stages[i], tour, () => started?.Invoke(index), f => progress?.Invoke(index, Math.Clamp(f, 0, 1)), cancellation));
            finished?.Invoke(i, records[^1]);
        }
        return records;
    }

    private static StageRecord Run(TourStage stage, TourContext tour, Action started, Action<double> progress, CancellationToken cancellation)
    {
        started();
        var clock = Stopwatch.StartNew();
        try
        {
            Seeding.SeedEverything(tour.Seed);
            return new StageRecord(stage, StageStatus.Ok, stage.Run(tour, new SyncProgress<double>(progress), cancellation), null, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException && cancellation.IsCancellationRequested)
        {
            return Interrupted(stage, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            return new StageRecord(stage, StageStatus.Failed, null, FirstLine(Unwrap(e)), clock.Elapsed.TotalSeconds, e);
        }
    }

    private static StageRecord Interrupted(TourStage stage, double seconds) => new(stage, StageStatus.Interrupted, null, "interrupted", seconds);

    /// <summary>The exception a wrapper (a reflection call, a task, a static constructor) hides.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException or TypeInitializationException or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }

    private static string FirstLine(Exception e)
    {
        var line = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? e.GetType().Name : line;
    }
}
