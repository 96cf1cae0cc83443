using System.Globalization;
using TransferSharp.Cli.Rendering;
using TransferSharp.FineTuning;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer experiment transferability</c>: Yosinski et al.'s layer-transfer experiment on two class halves.</summary>
internal sealed class TransferabilityCommand : Command<TransferabilityCommand.Settings>
{
    internal sealed class Settings : ModelDataSettings
    {
        protected override bool StopsEarly => true;
        protected override TrainerOptions LibraryDefaults => new TransferabilityOptions().Training;
        [CommandOption("--split <SPLIT>"), Description("How the classes are halved: random (default), dissimilar (Fashion-MNIST: footwear and bags vs clothing) or a FILE of two lines (A's classes, B's).")]
        public string Split { get; init; } = "random";
        [CommandOption("--compare-random"), Description("With a non-random split, also run the random split and plot the two side by side (doubles the time).")]
        public bool CompareRandom { get; init; }
        [CommandOption("--seeds <LIST>"), Description("Comma-separated seeds. Default 0,1,2.")]
        public string? Seeds { get; init; }
        [CommandOption("--train-per-class <K>"), Description("Training examples per class of each half (0 = all). Default 300.")]
        public int? TrainPerClass { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Seeds is not null && ParseSeeds() is null) return ValidationResult.Error($"--seeds '{Seeds}' is not a comma-separated list of whole numbers");
            if (TrainPerClass is < 0) return ValidationResult.Error($"--train-per-class must be 0 or more, got {TrainPerClass}");
            return OptionNames.Check(this, ToOptions().Validate());
        }

        private int[]? ParseSeeds()
        {
            var parts = (Seeds ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var seeds = parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : (int?)null).ToArray();
            return seeds.Length == 0 || seeds.Contains(null) ? null : seeds.Select(s => s!.Value).ToArray();
        }

        /// <summary>The library's options with the values given (its seed stays: the experiment replaces it per run).</summary>
        public TransferabilityOptions ToOptions()
        {
            var d = new TransferabilityOptions();
            return d with
            {
                Architecture = Model,
                Training = ApplyTo(d.Training) with { Seed = d.Training.Seed, Patience = Patience ?? 0 },
                Seeds = ParseSeeds() ?? d.Seeds,
                TestFraction = TestFraction,
                ValidationFraction = ValidationFraction,
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
        bool random = settings.Split.Equals("random", StringComparison.OrdinalIgnoreCase);
        var splits = new List<ClassSplit>();
        try
        {
            splits.Add(random ? ClassSplit.Random(data.ClassNames, settings.Seed) : settings.Split.Equals("dissimilar", StringComparison.OrdinalIgnoreCase)
                ? ClassSplit.Dissimilar(data) : ClassSplit.FromFile(settings.Split, data.ClassNames));
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException) { throw new ArgumentException($"--split {e.Message}"); }
        if (settings.CompareRandom && !random) splits.Add(ClassSplit.Random(data.ClassNames, settings.Seed));
        using (var probe = ModelZoo.Create(new ModelSpec(options.Architecture, data.ExampleShape, splits[0].B.Count))) { }   // fails early on a bad shape

        var run = settings.CreateRun("transferability");
        run.WriteJson(run.Settings, new { data = settings.Data, split = settings.Split, settings.CompareRandom, options });
        AnsiConsole.MarkupLine($"[bold]transferability[/] {Markup.Escape(data.ToString())}; {Markup.Escape(options.Architecture)}, " +
                               $"{(options.Training.Patience > 0 ? $"at most {options.Training.Epochs} epochs, stopped after {options.Training.Patience} without a better validation accuracy ({options.ValidationFraction:0.##} of each class)" : $"{options.Training.Epochs} epochs")}, seeds {string.Join(",", options.Seeds)}, {threads} threads; run folder {Markup.Escape(run.Path)}");
        var experiment = new TransferabilityExperiment(options);
        var results = splits.Select(s =>
        {
            AnsiConsole.MarkupLine($"A = {Markup.Escape(string.Join(", ", s.A))}; B = {Markup.Escape(string.Join(", ", s.B))} ({Markup.Escape(s.Description)})");
            return ProgressBar.Run(s.Description.Split(':')[0], progress => experiment.Run(data, s, progress, cancellation));
        }).ToArray();
        for (int i = 0; i < results.Length; i++)
        {
            TransferabilityReports.Print(results[i]);
            TransferabilityFigures.SavePlot(Path.Combine(run.Path, $"transferability{(i == 0 ? "" : "-random")}.png"), results[i],
                $"{options.Architecture} on {settings.Data}, {results[i].Split.Description}");
        }
        if (results.Length == 2) TransferabilityFigures.SaveComparison(Path.Combine(run.Path, "comparison.png"), results[0], results[1]);
        // metrics.json: schema transfersharp.transferability/1 (docs/metrics/transferability.md).
        run.WriteJson(run.Metrics, new
        {
            schema = "transfersharp.transferability/1", command = "experiment transferability", data = settings.Data, provenance = data.Provenance, threads,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, device = settings.DeviceName }, options, results,
        });
        AnsiConsole.MarkupLine($"run folder {Markup.Escape(run.Path)}");
        return 0;
    }
}
