using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using TransferSharp.Reporting.Tour;
using TransferSharp.Training;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class TourTests
{
    private static TourStage Working(string id, Action? also = null) => new(id, $"Family {id}", "It works.", (_, p, _) =>
    {
        also?.Invoke();
        p.Report(1);
        return new StageOutcome("e", "accuracy", "base", 0.5, "method", 0.75, [], [StageDetail.Count("n", 3), StageDetail.Percent("other", 0.6512)])
        {
            OtherMethods = [new MethodScore("second method", 0.625)],
        };
    });

    [Fact]
    public void A_failing_stage_is_recorded_with_its_root_error_and_the_others_still_run_and_report()
    {
        using var dir = new TestData.TempFolder();
        var broken = new TourStage("broken", "Broken family", "It throws.",
            (_, _, _) => throw new TargetInvocationException(new InvalidDataException("data went missing\nsecond line")));
        var records = TourRunner.Run([broken, Working("ok")], new TourContext(TourScale.Tiny, Seed: 0, Threads: 0, dir.Path), CancellationToken.None);
        Assert.Equal(2, records.Count);
        Assert.Equal(StageStatus.Failed, records[0].Status);
        Assert.Null(records[0].Outcome);
        Assert.Equal("data went missing", records[0].Error);
        Assert.IsType<InvalidDataException>(Assert.IsType<TargetInvocationException>(records[0].Exception).InnerException);   // kept whole for --verbose
        Assert.Equal(StageStatus.Ok, records[1].Status);
        Assert.Equal(0.25, records[1].Outcome!.Gain, 12);
        var report = dir.File("report.html");
        TourReport.Save(report, records, TourScale.Tiny, seed: 0, threads: 1);
        var html = File.ReadAllText(report);
        Assert.Contains("This stage failed: data went missing", html);
        Assert.Contains("<td>method: 75.0 %</td><td>+25.0 points</td>", html);
        Assert.Contains("<td>second method: 62.5 %</td><td>+12.5 points</td>", html);   // every method is a summary row
        Assert.Contains("<td>other</td><td>65.1 %</td>", html);                           // fractions read as percentages
        Assert.Contains("<td>n</td><td>3</td>", html);
    }

    [Fact]
    public void Cancelling_marks_the_running_and_remaining_stages_interrupted_and_keeps_the_finished_ones()
    {
        using var dir = new TestData.TempFolder();
        using var cancel = new CancellationTokenSource();
        bool lastRan = false;
        var interrupted = new TourStage("slow", "Slow family", "Ctrl+C arrives while it trains.", (_, _, token) =>
        {
            cancel.Cancel();
            token.ThrowIfCancellationRequested();
            throw new InvalidOperationException("not reached");
        });
        var records = TourRunner.Run([Working("first"), interrupted, Working("last", () => lastRan = true)],
            new TourContext(TourScale.Tiny, 0, 0, dir.Path), cancel.Token);
        Assert.Equal(new[] { StageStatus.Ok, StageStatus.Interrupted, StageStatus.Interrupted }, records.Select(r => r.Status).ToArray());
        Assert.False(lastRan);
        Assert.Equal(0.75, records[0].Outcome!.Method);
        var report = dir.File("report.html");
        TourReport.Save(report, records, TourScale.Tiny, 0, 1);
        var rows = SummaryRows(File.ReadAllText(report));
        Assert.Equal(new[] { "Family first", "e", "base: 50.0 %", "method: 75.0 %", "+25.0 points" }, rows[0]);
        Assert.Equal("interrupted", rows[2][1]);
        Assert.Equal("interrupted", rows[3][1]);
    }

    [Fact]
    public void Every_trainer_of_a_stage_runs_on_the_tours_thread_count()
    {
        using var dir = new TestData.TempFolder();
        var seen = new HashSet<int>();
        int reports = 0;
        Seeding.SetThreads(2);     // what the command line set before the stages (a trainer given 0 would set all cores)
        try
        {
            var stages = TourStages.All.Where(s => s.Id is "zeroshot" or "selftaught-learn").ToArray();
            var records = TourRunner.Run(stages, new TourContext(TourScale.Tiny, Seed: 0, Threads: 1, dir.Path), CancellationToken.None,
                progress: (_, _) => { reports++; seen.Add(get_num_threads()); });      // sampled while each trainer trains
            Assert.All(records, r => Assert.True(r.Status == StageStatus.Ok, r.Error));
            Assert.True(reports > 10, $"{reports} progress reports");
            Assert.Equal(new[] { 1 }, seen.ToArray());
        }
        finally
        {
            Seeding.SetThreads(0);
        }
    }

    [Fact]
    public void The_tiny_tour_runs_every_stage_from_the_command_line_and_its_report_numbers_parse()
    {
        using var dir = new TestData.TempFolder();
        // The reduced setting (hidden --tiny): subsets of the data and a few epochs, every stage.
        var r = CliRunner.Run(dir.Path, "tour", "--tiny", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal("tiny", metrics.RootElement.GetProperty("scale").GetString());
        Assert.Equal(1, metrics.RootElement.GetProperty("threads").GetInt32());
        var stages = metrics.RootElement.GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.Equal(TourStages.All.Select(s => s.Id).Order(), stages.Keys.Order());
        foreach (var s in stages.Values) Assert.True(s.GetProperty("ok").GetBoolean(), s.GetProperty("error").ToString());

        // The summary table of report.html: every number parses and agrees with metrics.json.
        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        var rows = SummaryRows(html);
        var methods = new Dictionary<string, double>();      // "stage id / method name" -> accuracy read from the page
        var baselines = new Dictionary<string, double>();
        int row = 0;
        foreach (var stage in TourStages.All)
        {
            var m = stages[stage.Id];
            var names = new[] { m.GetProperty("method_name").GetString()! }
                .Concat(m.GetProperty("other_methods").EnumerateArray().Select(o => o.GetProperty("name").GetString()!)).ToArray();
            foreach (var name in names)
            {
                var cells = rows[row++];
                Assert.Equal(stage.Family, cells[0]);
                var (baselineName, baseline) = NamedPercent(cells[2]);
                var (methodName, method) = NamedPercent(cells[3]);
                double gain = Points(cells[4]);
                Assert.Equal(m.GetProperty("baseline_name").GetString(), baselineName);
                Assert.Equal(name, methodName);
                Assert.InRange(baseline, 0, 100);
                Assert.InRange(method, 0, 100);
                Assert.InRange(gain - (method - baseline), -0.11, 0.11);            // each shown to 0.1 point
                Assert.InRange(baseline - 100 * m.GetProperty("baseline").GetDouble(), -0.051, 0.051);
                baselines[stage.Id] = baseline / 100;
                methods[$"{stage.Id}/{name}"] = method / 100;
            }
        }
        Assert.Equal(rows.Count, row);

        // What each stage must reach even this small (chance in brackets; measured values in the comments, seed 0).
        // Fine-tuning: 8 epochs of 5 labels per class leave scratch near chance; the copied blocks carry the stage.
        Assert.True(methods["finetune/layer transfer (first two blocks copied, frozen)"] > 0.4);                 // (20 %) 56.6 %
        Assert.True(methods["finetune/conservative training (L2-SP + LwF)"] > 0.35);                             // (20 %) 52.4 %
        Assert.True(methods["finetune/layer transfer (first two blocks copied, frozen)"] - baselines["finetune"] > 0.15);   // +35.6 points
        // finetune's defaults: every feature stage copied and fine-tuned, no conservative terms (seeds 0-2: 35.0, 48.6, 61.4 %
        // against scratch 21.0, 27.6, 21.0 %).
        Assert.True(methods["finetune/fine-tuning every copied layer (finetune's defaults)"] > 0.28);                   // (20 %) 35.0 %
        Assert.True(methods["finetune/fine-tuning every copied layer (finetune's defaults)"] - baselines["finetune"] > 0.07);   // +14.0 points
        Assert.True(baselines["transferability"] > 0.4);                                                        // (20 %) 61.7 %
        Assert.True(methods["transferability/AnB+ (fine-tuned), mean over n"] > 0.4);                           // (20 %) 56.8 %
        Assert.True(methods["multitask/multitask with digits 5-9"] > 0.7);                                      // (20 %) 93.0 %
        Assert.True(methods["dann/CDAN"] > 0.2);                                                                // (10 %) 38.0 %
        Assert.True(methods["dann/CDAN"] - baselines["dann"] > 0.05);                                           // +13.0 points (seeds 1, 2: +9.0, +12.8)
        // adapt's default method (AdaBN) beats source only even this small (seeds 0-2: +17.7, +10.2, +17.5 points).
        Assert.True(methods["dann/AdaBN (adapt's default)"] - baselines["dann"] > 0.05);                        // +17.7 points
        Assert.Equal(1 / 3.0, baselines["zeroshot"], 3);
        Assert.True(methods["zeroshot/DAP (attribute prediction)"] > 0.55);                                    // (33 %) 82.7 %
        Assert.True(methods["selftaught-learn/autoencoder features"] > 0.7);                                    // (20 %) 94.0 %
        Assert.True(methods["selftaught-cluster/k-means + DEC on autoencoder features"] > 0.2);                 // (~11 %) 33.0 % before DEC
        Assert.True(baselines["selftaught-cluster"] > 0.3);                                                     // (~11 %) 46.7 %
        double nmi = stages["selftaught-cluster"].GetProperty("details").GetProperty("NMI raw").GetDouble();
        Assert.Contains($"<td>NMI raw</td><td>{nmi.ToString("0.000", CultureInfo.InvariantCulture)}</td>", html);

        // Pictures: the learning curves of fine-tuning, multitask, CDAN and both autoencoders, t-SNE, confusion, grid.
        Assert.DoesNotContain("picture missing", html);
        Assert.Equal(11, Regex.Matches(html, "src=\"data:image/png;base64,").Count);   // + the translation stage's sequence-language map
        foreach (var png in new[] { "finetune/learning-curves.png", "multitask/learning-curves.png", "dann/learning-curves.png",
                     "selftaught/learning-curve.png", "selftaught-cluster/learning-curve.png" })
            Assert.True(new FileInfo(Path.Combine(run, png)).Length > 5_000, png);
    }

    [Fact]
    public void A_stage_that_fails_from_the_command_line_keeps_the_others_results_and_exits_1()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "tour", "--tiny", "--threads", "1", "--only", "zeroshot,selftaught-learn",
            "--fail-stage", "zeroshot", "--verbose");
        Assert.True(r.ExitCode == 1, r.Stderr + r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var stages = metrics.RootElement.GetProperty("stages").EnumerateArray().ToArray();
        Assert.Equal(2, stages.Length);
        Assert.False(stages[0].GetProperty("ok").GetBoolean());
        Assert.Equal("failed", stages[0].GetProperty("status").GetString());
        // The inner message, not "Exception has been thrown by the target of an invocation".
        Assert.Equal("failure injected into stage 'zeroshot' (--fail-stage)", stages[0].GetProperty("error").GetString());
        Assert.True(stages[1].GetProperty("ok").GetBoolean(), stages[1].GetProperty("error").ToString());
        Assert.True(stages[1].GetProperty("method").GetDouble() > 0.7);
        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("This stage failed: failure injected into stage &#39;zeroshot&#39;", html);
        Assert.Contains("autoencoder features", html);
        Assert.Contains("stage zeroshot failed:", r.Stderr);
        Assert.Contains("System.InvalidOperationException", r.Stderr);     // --verbose: the whole exception
        Assert.Contains(" at ", r.Stderr);
    }

    [Fact]
    public void Unknown_stage_names_are_rejected()
    {
        using var dir = new TestData.TempFolder();
        var r = CliRunner.Run(dir.Path, "tour", "--only", "nope");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no stage 'nope'", r.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    /// <summary>The cells of the first table of the page (the summary), header row left out.</summary>
    private static List<string[]> SummaryRows(string html)
    {
        var table = Regex.Match(html, "<table>.*?</table>", RegexOptions.Singleline).Value;
        return Regex.Matches(table, "<tr>(.*?)</tr>", RegexOptions.Singleline)
            .Select(m => Regex.Matches(m.Groups[1].Value, "<td>(.*?)</td>").Select(c => WebUtility.HtmlDecode(c.Groups[1].Value)).ToArray())
            .Where(cells => cells.Length > 0).ToList();
    }

    private static (string Name, double Percent) NamedPercent(string cell)
    {
        var m = Regex.Match(cell, @"^(.+): (-?\d+\.\d) %$");
        Assert.True(m.Success, $"not 'name: 12.3 %': {cell}");
        return (m.Groups[1].Value, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static double Points(string cell)
    {
        var m = Regex.Match(cell, @"^([+-]\d+\.\d) points$");
        Assert.True(m.Success, $"not '+1.2 points': {cell}");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
