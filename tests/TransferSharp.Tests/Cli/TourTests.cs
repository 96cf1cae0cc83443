using System.Text.Json;
using TransferSharp.Cli.Tour;

namespace TransferSharp.Tests.Cli;

[Collection("Sequential")]
public sealed class TourTests
{
    [Fact]
    public void A_failing_stage_is_recorded_and_the_others_still_run_and_report()
    {
        using var dir = new TestData.TempFolder();
        var ok = new TourStage("ok", "Working family", "It works.",
            (_, p, _) => { p.Report(1); return new StageOutcome("e", "accuracy", "base", 0.5, "method", 0.75, [], [("n", 3)]); });
        var broken = new TourStage("broken", "Broken family", "It throws.", (_, _, _) => throw new InvalidDataException("data went missing\nsecond line"));
        var records = TourRunner.Run([broken, ok], new TourContext(Quick: true, Seed: 0, dir.Path), CancellationToken.None);
        Assert.Equal(2, records.Count);
        Assert.Null(records[0].Outcome);
        Assert.Equal("data went missing", records[0].Error);
        Assert.Equal(0.25, records[1].Outcome!.Gain, 12);
        var report = dir.File("report.html");
        TourReport.Save(report, records, quick: true, seed: 0);
        var html = File.ReadAllText(report);
        Assert.Contains("This stage failed: data went missing", html);
        Assert.Contains("+25.0 points", html);
    }

    [Fact]
    public void Quick_tour_stages_run_end_to_end_and_write_a_report_whose_numbers_parse()
    {
        using var dir = new TestData.TempFolder();
        // A reduced setting: the two cheapest stages of the quick tour (the full quick tour is measured in bench/).
        var r = CliRunner.Run(dir.Path, "tour", "--quick", "--only", "zeroshot,selftaught-learn", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "runs")));
        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("Zero-shot learning", html);
        Assert.Contains("data:image/png;base64,", html);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var stages = metrics.RootElement.GetProperty("stages").EnumerateArray().ToArray();
        Assert.Equal(2, stages.Length);
        foreach (var s in stages)
        {
            Assert.True(s.GetProperty("ok").GetBoolean(), s.GetProperty("error").ToString());
            double baseline = s.GetProperty("baseline").GetDouble(), method = s.GetProperty("method").GetDouble();
            Assert.InRange(baseline, 0, 1);
            Assert.InRange(method, 0, 1);
            Assert.Equal(method - baseline, s.GetProperty("gain").GetDouble(), 9);
        }
        // Zero-shot: three unseen classes, chance 1/3; attribute prediction is far above it (measured 93.6 % here).
        var zeroShot = stages.Single(s => s.GetProperty("id").GetString() == "zeroshot");
        Assert.True(zeroShot.GetProperty("method").GetDouble() > 0.5);
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
}
