using System.ComponentModel;
using TransferSharp.Cli.Rendering;
using TransferSharp.Cli.Tour;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer tour</c>: one experiment per family against its baseline, with an HTML report.</summary>
internal sealed class TourCommand : Command<TourCommand.Settings>
{
    internal sealed class Settings : CommonSettings
    {
        [CommandOption("--quick")]
        [Description("Smaller experiments (about 3 minutes on 2 cores).")]
        public bool Quick { get; init; }

        [CommandOption("--only <STAGES>")]
        [Description("Run only these stages (comma-separated ids).")]
        public string? Only { get; init; }

        [CommandOption("--runs <FOLDER>")]
        [Description("Where run folders go. Default runs.")]
        public string Runs { get; init; } = "runs";

        public override ValidationResult Validate()
        {
            if (Only is { } only)
                foreach (var id in only.Split(',', StringSplitOptions.TrimEntries))
                    if (TourStages.All.All(s => s.Id != id))
                        return ValidationResult.Error($"--only: no stage '{id}' (stages: {string.Join(", ", TourStages.All.Select(s => s.Id))})");
            return base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var stages = settings.Only is { } only
            ? TourStages.All.Where(s => only.Split(',', StringSplitOptions.TrimEntries).Contains(s.Id)).ToArray()
            : TourStages.All;
        if (stages.Count == 0) throw new InvalidOperationException("the tour has no stages yet");
        int threads = Seeding.SetThreads(settings.Threads);
        var run = RunFolder.Create(settings.Runs, "tour");
        var tour = new TourContext(settings.Quick, settings.Seed, run.Path);
        AnsiConsole.MarkupLine($"[bold]tour[/] {(settings.Quick ? "quick" : "full")}, {stages.Count} stages, {threads} threads, seed {settings.Seed}; run folder {Markup.Escape(run.Path)}");

        var records = new List<TourReport.StageRecord>();
        AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = stages.Select(s => ctx.AddTask(Markup.Escape(s.Family), autoStart: false, maxValue: 1.0)).ToArray();
                records.AddRange(TourRunner.Run(stages, tour, cancellationToken,
                    started: i => tasks[i].StartTask(),
                    progress: (i, f) => tasks[i].Value = f,
                    finished: (i, r) =>
                    {
                        tasks[i].Description = Markup.Escape($"{r.Stage.Family}: {(r.Outcome is null ? "failed" : "done")}");
                        tasks[i].Value = tasks[i].MaxValue;
                        tasks[i].StopTask();
                    }));
            });

        var reportPath = Path.Combine(run.Path, "report.html");
        TourReport.Save(reportPath, records, settings.Quick, settings.Seed);
        run.WriteJson(run.Metrics, new
        {
            command = "tour",
            quick = settings.Quick,
            seed = settings.Seed,
            threads,
            stages = records.Select(r => new
            {
                id = r.Stage.Id,
                family = r.Stage.Family,
                ok = r.Outcome is not null,
                error = r.Error,
                seconds = r.Seconds,
                experiment = r.Outcome?.Experiment,
                metric = r.Outcome?.Metric,
                baseline_name = r.Outcome?.BaselineName,
                baseline = r.Outcome?.Baseline,
                method_name = r.Outcome?.MethodName,
                method = r.Outcome?.Method,
                gain = r.Outcome?.Gain,
                details = r.Outcome?.Details.ToDictionary(d => d.Name, d => d.Value),
            }),
        });
        var table = new Table().Title("tour").AddColumns(TourReport.Header.ToArray());
        foreach (var r in records) table.AddRow(TourReport.Row(r).Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"report: [bold]{Markup.Escape(reportPath)}[/]");
        return records.Any(r => r.Outcome is null) ? 1 : 0;
    }

}
