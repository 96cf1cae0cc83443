using System.Globalization;
using static System.FormattableString;

namespace TransferSharp.Reporting.Tour;

/// <summary>The tour's summary as an HTML page and as rows for the console table.</summary>
public static class TourReport
{
    public static IReadOnlyList<string> Header { get; } = ["family", "experiment", "baseline", "transfer method", "gain"];

    /// <summary>The summary rows of a stage: one per transfer method, or one saying it failed or was interrupted.</summary>
    public static IEnumerable<IReadOnlyList<string>> Rows(StageRecord r) => r.Outcome is { } o
        ? o.Methods.Select(m => (IReadOnlyList<string>)
            [r.Stage.Family, o.Experiment, $"{o.BaselineName}: {Format(o.Baseline, o.Metric)}", $"{m.Name}: {Format(m.Value, o.Metric)}",
             Signed(m.Value - o.Baseline, o.Metric)])
        : [[r.Stage.Family, r.Status == StageStatus.Interrupted ? "interrupted" : "failed", "-", "-", r.Error ?? "?"]];

    public static void Save(string path, IReadOnlyList<StageRecord> records, TourScale scale, int seed, int threads)
    {
        var report = new HtmlReport("TransferSharp: a tour of transfer learning")
            .Paragraph($"One experiment per family of the lecture \"Transfer Learning\" (Hung-yi Lee, ML 2019), each against its baseline, " +
                       $"on the built-in datasets; {scale.ToString().ToLowerInvariant()} mode, seed {seed}, {threads} threads, " +
                       $"{DateTime.Now:yyyy-MM-dd HH:mm}.")
            .Table(Header, records.SelectMany(Rows));
        foreach (var r in records)
        {
            report.Heading($"{r.Stage.Family}", r.Stage.Id).Paragraph(r.Stage.Explanation);
            if (r.Outcome is not { } o)
            {
                report.Warning(r.Status == StageStatus.Interrupted ? "This stage was interrupted." : $"This stage failed: {r.Error}");
                continue;
            }
            report.Paragraph($"Experiment: {o.Experiment}.");
            report.Table(["measure", "value"],
                new[] { new[] { o.BaselineName, Format(o.Baseline, o.Metric) } }
                    .Concat(o.Methods.SelectMany(m => new[] { new[] { m.Name, Format(m.Value, o.Metric) }, [$"gain of {m.Name}", Signed(m.Value - o.Baseline, o.Metric)] }))
                    .Concat(o.Details.Select(d => new[] { d.Name, d.Formatted }))
                    .Append(["time", $"{r.Seconds:0} s"]));
            foreach (var (png, caption) in o.Pictures) report.Picture(png, caption);
        }
        report.Save(path);
    }

    private static string Format(double v, string metric) =>
        metric == "accuracy" ? Invariant($"{v * 100:0.0} %") : v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Signed(double v, string metric) =>
        metric == "accuracy" ? Invariant($"{v * 100:+0.0;-0.0} points") : v.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
}
