using System.Reflection;
using TransferSharp.Reporting.Tour;
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

        // Not RunFolderSettings: the tour takes no image options. The one option declared twice in the CLI.
        [CommandOption("--runs <FOLDER>")]
        [Description("Where run folders go. Default runs.")]
        public string Runs { get; init; } = "runs";

        /// <summary>Test setting: seconds per stage (subsets of the data, a few epochs).</summary>
        [CommandOption("--tiny", IsHidden = true)]
        public bool Tiny { get; init; }

        /// <summary>Test hook: this stage throws instead of running, to check that a failure keeps the others' results.</summary>
        [CommandOption("--fail-stage <STAGE>", IsHidden = true)]
        public string? FailStage { get; init; }

        public override ValidationResult Validate() => Then(base.Validate(),
            Ids.FirstOrDefault(id => TourStages.All.All(s => s.Id != id)) is { } unknown
                ? $"--only: no stage '{unknown}' (stages: {string.Join(", ", TourStages.All.Select(s => s.Id))})"
                : Quick && Tiny ? "--quick and --tiny: choose one" : null);

        /// <summary>The stage ids of --only; none when it is not given.</summary>
        public string[] Ids => Only?.Split(',', StringSplitOptions.TrimEntries) ?? [];

        public TourScale Scale => Tiny ? TourScale.Tiny : Quick ? TourScale.Quick : TourScale.Full;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Run(settings, token));

    private static int Run(Settings settings, CancellationToken cancellation)
    {
        var stages = TourStages.All.Where(s => settings.Only is null || settings.Ids.Contains(s.Id)).ToList();
        if (settings.FailStage is { } failing)
            stages = stages.Select(s => s.Id != failing ? s : s with
            {
                // Wrapped as a failure deep in a library call would be: the report must show the inner message.
                Run = (_, _, _) => throw new TargetInvocationException(new InvalidOperationException($"failure injected into stage '{failing}' (--fail-stage)")),
            }).ToList();
        int threads = Seeding.SetThreads(settings.Threads);
        var run = RunFolder.Create(settings.Runs, "tour");
        // Every stage passes the requested count (0 = all cores) to its trainers, which set it themselves.
        var tour = new TourContext(settings.Scale, settings.Seed, settings.Threads, run.Path, settings.Device ?? "auto");
        string scale = settings.Scale.ToString().ToLowerInvariant();
        AnsiConsole.MarkupLine($"[bold]tour[/] {scale}, {stages.Count} stages, {threads} threads, seed {settings.Seed}; run folder {Markup.Escape(run.Path)}");

        IReadOnlyList<StageRecord> records = [];
        AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = stages.Select(s => ctx.AddTask(Markup.Escape(s.Family), autoStart: false, maxValue: 1.0)).ToArray();
                records = TourRunner.Run(stages, tour, cancellation,
                    started: i => tasks[i].StartTask(),
                    progress: (i, f) => tasks[i].Value = f,
                    finished: (i, r) =>
                    {
                        tasks[i].Description = Markup.Escape($"{r.Stage.Family}: {r.Status.ToString().ToLowerInvariant()}");
                        if (r.Status == StageStatus.Ok) tasks[i].Value = tasks[i].MaxValue;
                        tasks[i].StopTask();
                    });
            });

        // Written whatever happened: failed and interrupted stages are marked, finished ones keep their results.
        var reportPath = Path.Combine(run.Path, "report.html");
        TourReport.Save(reportPath, records, settings.Scale, settings.Seed, threads);
        run.WriteJson(run.Metrics, new
        {
            command = "tour", quick = settings.Scale != TourScale.Full, scale, seed = settings.Seed, threads,
            stages = records.Select(r => new
            {
                r.Stage.Id, r.Stage.Family, ok = r.Status == StageStatus.Ok, status = r.Status.ToString().ToLowerInvariant(), r.Error, r.Seconds,
                r.Outcome?.Experiment, r.Outcome?.Metric, r.Outcome?.BaselineName, r.Outcome?.Baseline, r.Outcome?.MethodName, r.Outcome?.Method, r.Outcome?.Gain,
                other_methods = r.Outcome?.OtherMethods.Select(m => new { m.Name, m.Value, gain = m.Value - r.Outcome.Baseline }),
                details = r.Outcome?.Details.ToDictionary(d => d.Name, d => d.Value),
            }),
        });
        var table = new Table().Title("tour").AddColumns(TourReport.Header.ToArray());
        foreach (var row in records.SelectMany(TourReport.Rows)) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"report: [bold]{Markup.Escape(reportPath)}[/]");
        foreach (var r in records.Where(r => r.Status == StageStatus.Failed))
            if (settings.Verbose && r.Exception is { } e) Console.Error.WriteLine($"stage {r.Stage.Id} failed:{Environment.NewLine}{e}");
            else Console.Error.WriteLine($"stage {r.Stage.Id} failed: {r.Error}{(settings.Verbose ? "" : " (--verbose for the stack trace)")}");
        if (records.Any(r => r.Status == StageStatus.Interrupted))
        {
            AnsiConsole.MarkupLine("[yellow]interrupted[/]: the report holds the stages that finished");
            return CliErrors.Interrupted;
        }
        return records.Any(r => r.Status == StageStatus.Failed) ? 1 : 0;
    }
}
