using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli.Rendering;
using TransferSharp.Data;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Reporting;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer experiment transferability</c>: Yosinski et al.'s layer-transfer experiment on two class halves.</summary>
internal sealed class TransferabilityCommand : Command<TransferabilityCommand.Settings>
{
    internal sealed class Settings : ModelDataSettings
    {
        [CommandOption("--split <SPLIT>")]
        [Description("How the classes are halved: random (default), dissimilar (Fashion-MNIST: footwear and bags vs clothing) or a FILE of two lines (A's classes, B's).")]
        public string Split { get; init; } = "random";

        [CommandOption("--compare-random")]
        [Description("With a non-random split, also run the random split and plot the two side by side (doubles the time).")]
        public bool CompareRandom { get; init; }

        [CommandOption("--seeds <LIST>")]
        [Description("Comma-separated seeds. Default 0,1,2.")]
        public string? Seeds { get; init; }

        [CommandOption("--train-per-class <K>")]
        [Description("Training examples per class of each half (0 = all). Default 300.")]
        public int? TrainPerClass { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Seeds is not null && ParseSeeds() is null) return ValidationResult.Error($"--seeds '{Seeds}' is not a comma-separated list of whole numbers");
            if (TrainPerClass is < 0) return ValidationResult.Error($"--train-per-class must be 0 or more, got {TrainPerClass}");
            return OptionNames.Check(this, ToOptions().Validate());
        }

        public int[]? ParseSeeds()
        {
            var parts = (Seeds ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var seeds = new List<int>();
            foreach (var p in parts)
                if (int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s)) seeds.Add(s);
                else return null;
            return seeds.Count == 0 ? null : seeds.ToArray();
        }

        /// <summary>The library's options with the values given (its seed stays: the experiment replaces it per run).</summary>
        public TransferabilityOptions ToOptions()
        {
            var d = new TransferabilityOptions();
            return d with
            {
                Architecture = Model,
                Training = ApplyTo(d.Training) with { Seed = d.Training.Seed },
                Seeds = ParseSeeds() ?? d.Seeds,
                TrainPerClass = TrainPerClass is null ? d.TrainPerClass : TrainPerClass == 0 ? null : TrainPerClass,
            };
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Run(settings, token));

    private static int Run(Settings settings, CancellationToken cancellation)
    {
        var options = settings.ToOptions();
        int threads = Seeding.SetThreads(settings.Threads);
        using var data = settings.LoadData();
        if (!data.HasLabels) throw new ArgumentException($"--data {settings.Data}: the dataset has no labels");
        var split = settings.Split.ToLowerInvariant() switch
        {
            "random" => ClassSplit.Random(data.ClassNames, settings.Seed),
            "dissimilar" => Named(() => ClassSplit.Dissimilar(data)),
            _ => Named(() => ClassSplit.FromFile(settings.Split, data.ClassNames)),
        };
        using (var probe = ModelZoo.Create(new ModelSpec(options.Architecture, data.ExampleShape, split.B.Count))) { }   // fails early on a bad shape
        var splits = new List<ClassSplit> { split };
        if (settings.CompareRandom && settings.Split.ToLowerInvariant() != "random") splits.Add(ClassSplit.Random(data.ClassNames, settings.Seed));

        var run = settings.CreateRun("transferability");
        run.WriteJson(run.Settings, new { data = settings.Data, split = settings.Split, settings.CompareRandom, options });
        AnsiConsole.MarkupLine($"[bold]transferability[/] {Markup.Escape(data.ToString())}; {Markup.Escape(options.Architecture)}, " +
                               $"{options.Training.Epochs} epochs, seeds {string.Join(",", options.Seeds)}, {threads} threads; run folder {Markup.Escape(run.Path)}");
        var results = new List<TransferabilityResult>();
        foreach (var s in splits)
        {
            AnsiConsole.MarkupLine($"A = {Markup.Escape(string.Join(", ", s.A))}; B = {Markup.Escape(string.Join(", ", s.B))} ({Markup.Escape(s.Description)})");
            var experiment = new TransferabilityExperiment(options);
            results.Add(ProgressBar.Run(s.Description.Split(':')[0], progress => experiment.Run(data, s, progress, cancellation)));
        }

        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            string suffix = i == 0 ? "" : "-random";
            Table(r);
            SavePlot(Path.Combine(run.Path, $"transferability{suffix}.png"), r, $"{options.Architecture} on {settings.Data}, {r.Split.Description}");
        }
        if (results.Count == 2) SaveComparison(Path.Combine(run.Path, "comparison.png"), results[0], results[1]);
        run.WriteJson(run.Metrics, new
        {
            command = "experiment transferability",
            data = settings.Data,
            provenance = data.Provenance,
            threads,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            options,
            results = results.Select(r => new
            {
                split = new { a = r.Split.A, b = r.Split.B, description = r.Split.Description },
                stages = r.Stages,
                train_count_b = r.TrainCountB,
                test_count_b = r.TestCountB,
                summary = Networks(r).Select(x => new { network = x.Network, n = x.N, mean = r.Summary(x.Network, x.N).Mean, std = r.Summary(x.Network, x.N).Std }),
                runs = r.Runs,
            }),
        });
        AnsiConsole.MarkupLine($"run folder {Markup.Escape(run.Path)}");
        return 0;
    }

    private static ClassSplit Named(Func<ClassSplit> make)
    {
        try { return make(); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException) { throw new ArgumentException($"--split {e.Message}"); }
    }

    private static IEnumerable<(string Network, int N)> Networks(TransferabilityResult r) =>
        new[] { ("baseA", 0), ("baseB", 0) }.Concat(Enumerable.Range(1, r.Stages.Count)
            .SelectMany(n => Enum.GetValues<TransferCondition>().Select(c => (TransferabilityResult.Name(c), n))));

    private static string Cell((double Mean, double Std, int Count) s) =>
        s.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{s.Mean * 100:0.0} ± {s.Std * 100:0.0}");

    private static void Table(TransferabilityResult r)
    {
        var t = new Table().Title($"accuracy on B's test set, % (mean ± std over {r.Summary("baseB", 0).Count} seeds; {r.Split.Description})")
            .AddColumns("n", "copied stages", "BnB", "BnB+", "AnB", "AnB+");
        t.AddRow("0", "baseB (no copy)", Cell(r.Summary("baseB", 0)), "", "", "");
        for (int n = 1; n <= r.Stages.Count; n++)
            t.AddRow([$"{n}", Markup.Escape(string.Join(", ", r.Stages.Take(n))),
                .. Enum.GetValues<TransferCondition>().Select(c => Cell(r.Summary(TransferabilityResult.Name(c), n)))]);
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"baseA on A's test set: {Cell(r.Summary("baseA", 0))}; B: {r.TrainCountB} training, {r.TestCountB} test examples");
    }

    private static readonly Dictionary<TransferCondition, (string Color, bool Dashed)> Style = new()
    {
        [TransferCondition.BnB] = ("#1f77b4", false),
        [TransferCondition.BnBPlus] = ("#1f77b4", true),
        [TransferCondition.AnB] = ("#d62728", false),
        [TransferCondition.AnBPlus] = ("#d62728", true),
    };

    internal static void SavePlot(string path, TransferabilityResult r, string title)
    {
        var xs = Enumerable.Range(1, r.Stages.Count).Select(n => (double)n).ToArray();
        var series = Enum.GetValues<TransferCondition>().Select(c =>
        {
            var name = TransferabilityResult.Name(c);
            var s = xs.Select(x => r.Summary(name, (int)x)).ToArray();
            return new CurveSeries(name, xs, s.Select(v => v.Mean).ToArray(), s.Select(v => v.Std).ToArray(), Style[c].Color, Style[c].Dashed);
        }).ToArray();
        CurvePlot.Save(path, title, "stages copied (n)", "test accuracy on B", series, [new ReferenceLine("baseB", r.Summary("baseB", 0).Mean, "#333333")]);
    }

    private static void SaveComparison(string path, TransferabilityResult chosen, TransferabilityResult random)
    {
        // Accuracy relative to each split's own base B, as in Yosinski et al.'s figure 3, since the B halves differ.
        CurveSeries Relative(TransferabilityResult r, TransferCondition c, string label, string color, bool dashed)
        {
            double baseB = r.Summary("baseB", 0).Mean;
            var xs = Enumerable.Range(1, r.Stages.Count).Select(n => (double)n).ToArray();
            return new CurveSeries(label, xs, xs.Select(x => r.Summary(TransferabilityResult.Name(c), (int)x).Mean / baseB).ToArray(), null, color, dashed);
        }
        CurvePlot.Save(path, "frozen and fine-tuned transfer from A, relative to base B", "stages copied (n)", "accuracy / base B accuracy",
        [
            Relative(random, TransferCondition.AnB, "AnB, random split", "#1f77b4", false),
            Relative(random, TransferCondition.AnBPlus, "AnB+, random split", "#1f77b4", true),
            Relative(chosen, TransferCondition.AnB, $"AnB, {chosen.Split.Description.Split(':')[0]} split", "#d62728", false),
            Relative(chosen, TransferCondition.AnBPlus, $"AnB+, {chosen.Split.Description.Split(':')[0]} split", "#d62728", true),
        ], [new ReferenceLine("base B", 1.0, "#333333")]);
    }
}
