using System.Globalization;
using TransferSharp.Reporting;

namespace TransferSharp.Cli.Tour;

/// <summary>The tour's summary as an HTML page and as rows for the console table.</summary>
internal static class TourReport
{
    public sealed record StageRecord(TourStage Stage, StageOutcome? Outcome, string? Error, double Seconds);

    public static IReadOnlyList<string> Header { get; } = ["family", "experiment", "baseline", "transfer method", "gain"];

    public static IReadOnlyList<string> Row(StageRecord r) => r.Outcome is { } o
        ? [r.Stage.Family, o.Experiment, $"{o.BaselineName}: {Format(o.Baseline, o.Metric)}", $"{o.MethodName}: {Format(o.Method, o.Metric)}", Signed(o.Gain, o.Metric)]
        : [r.Stage.Family, "failed", "-", "-", r.Error ?? "?"];

    public static void Save(string path, IReadOnlyList<StageRecord> records, bool quick, int seed)
    {
        var report = new HtmlReport("TransferSharp: a tour of transfer learning")
            .Paragraph($"One experiment per family of the lecture \"Transfer Learning\" (Hung-yi Lee, ML 2019), each against its baseline, " +
                       $"on the built-in datasets; {(quick ? "quick mode" : "full mode")}, seed {seed}, {Environment.ProcessorCount} cores, " +
                       $"{DateTime.Now:yyyy-MM-dd HH:mm}.")
            .Table(Header, records.Select(Row));
        foreach (var r in records)
        {
            report.Heading($"{r.Stage.Family}", r.Stage.Id).Paragraph(r.Stage.Explanation);
            if (r.Outcome is not { } o)
            {
                report.Warning($"This stage failed: {r.Error}");
                continue;
            }
            report.Table(["measure", "value"],
                new[] { new[] { o.BaselineName, Format(o.Baseline, o.Metric) }, [o.MethodName, Format(o.Method, o.Metric)], ["gain", Signed(o.Gain, o.Metric)] }
                    .Concat(o.Details.Select(d => new[] { d.Name, d.Value.ToString("0.####", CultureInfo.InvariantCulture) }))
                    .Append(["time", $"{r.Seconds:0} s"]));
            foreach (var (png, caption) in o.Pictures) report.Picture(png, caption);
        }
        report.Save(path);
    }

    private static string Format(double v, string metric) =>
        metric == "accuracy" ? $"{v * 100:0.0} %" : v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Signed(double v, string metric) =>
        metric == "accuracy" ? $"{v * 100:+0.0;-0.0} points" : v.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
}
