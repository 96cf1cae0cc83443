using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli.Evidence;
using TransferSharp.SelfTaught;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// <c>transfer selftaught learn</c>: autoencoder on the unlabelled source, then a classifier on K labelled target
/// examples per class, on autoencoder codes against raw inputs and PCA.
/// </summary>
internal sealed class SelfTaughtLearnCommand : Command<SelfTaughtLearnCommand.Settings>
{
    internal sealed class Settings : SelfTaughtSettings
    {
        [CommandOption("-k|--shots <LIST>")]
        [Description("Labelled target examples per class, one or more: 1,5,10,50. Default: all of the training part.")]
        public string? Shots { get; init; }

        [CommandOption("--test-fraction <F>")]
        [Description("Fraction of every target class held out for testing. Default 0.5.")]
        public double TestFraction { get; init; } = 0.5;

        [CommandOption("--classifier <KIND>")]
        [Description("softmax (default) or mlp.")]
        public string Classifier { get; init; } = "softmax";

        [CommandOption("--classifier-steps <N>")]
        [Description("Classifier optimiser steps. Default 600.")]
        public int ClassifierSteps { get; init; } = 600;

        [CommandOption("--classifier-lr <RATE>")]
        [Description("Classifier learning rate (Adam). Default 0.01.")]
        public double ClassifierLearningRate { get; init; } = 0.01;

        [CommandOption("--classifier-weight-decay <LAMBDA>")]
        [Description("Classifier weight decay. Default 0.0001.")]
        public double ClassifierWeightDecay { get; init; } = 1e-4;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Shots is not null && ParseList(Shots) is null)
                return ValidationResult.Error($"--shots '{Shots}' must be a comma-separated list of positive integers");
            if (TestFraction is <= 0 or >= 1) return ValidationResult.Error($"--test-fraction must be in (0, 1), got {TestFraction}");
            if (ParseClassifier(Classifier) is null) return ValidationResult.Error($"--classifier '{Classifier}' is unknown (choose softmax, mlp)");
            var errors = ToClassifierOptions().Validate();
            return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join("; ", errors));
        }

        public FeatureClassifierOptions ToClassifierOptions() => new()
        {
            Kind = ParseClassifier(Classifier) ?? FeatureClassifierKind.Softmax,
            Steps = ClassifierSteps,
            LearningRate = ClassifierLearningRate,
            WeightDecay = ClassifierWeightDecay,
            Seed = Seed,
            Threads = Threads,
        };

        private static FeatureClassifierKind? ParseClassifier(string s) => s.ToLowerInvariant() switch
        {
            "softmax" => FeatureClassifierKind.Softmax,
            "mlp" => FeatureClassifierKind.Mlp,
            _ => null,
        };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        CtrlC.Run(cancellationToken, token => Learn(settings, token));

    private static int Learn(Settings settings, CancellationToken cancellation)
    {
        int threads = Seeding.SetThreads(settings.Threads);
        Seeding.SeedEverything(settings.Seed);
        var (source, target) = SelfTaughtRun.Load(settings);
        using var _source = source;
        using var _target = target;
        if (!target.HasLabels) throw new ArgumentException($"--target {settings.Target}: the dataset has no labels to learn from");
        using var experiment = OptionErrors.Named(() => new SelfTaughtExperiment(source, target, new SelfTaughtLearnOptions
        {
            Autoencoder = settings.ToAutoencoderOptions(),
            Classifier = settings.ToClassifierOptions(),
            PcaComponents = settings.PcaComponents,
            TestFraction = settings.TestFraction,
            Shots = settings.Shots is null ? [] : SelfTaughtSettings.ParseList(settings.Shots)!,
            Seed = settings.Seed,
        }), ("Shots", "--shots"), ("PcaComponents", "--pca-components"));

        var run = RunFolder.Create(settings.Runs, "selftaught-learn");
        AnsiConsole.MarkupLine($"[bold]selftaught learn[/] source {Markup.Escape(source.ToString())}; target {Markup.Escape(target.ToString())} -> " +
                               $"train pool {experiment.TrainPool.Count}, test {experiment.Test.Count}; {threads} threads, seed {settings.Seed}; run folder {Markup.Escape(run.Path)}");
        var ae = SelfTaughtRun.TrainAutoencoder(settings, progress => experiment.TrainAutoencoder(progress, cancellation));
        using var model = ae.Model;
        using var outcome = experiment.Run(ae, new SyncProgress<string>(SelfTaughtRun.Status), cancellation);
        var report = outcome.Report;

        run.WriteJson(run.Metrics, new SelfTaughtLearnMetrics(settings.Source!, settings.Target!, source.Provenance, target.Provenance, settings.Seed,
            ThreadedMachine.Current(threads), settings.ToAutoencoderOptions(), settings.ToClassifierOptions(), report.Split, report.Autoencoder,
            report.Pca, report.Results));
        model.save(Path.Combine(run.Path, "autoencoder.pt"));
        SelfTaughtRun.SaveReconstructions(Path.Combine(run.Path, "reconstructions.png"), model, source, target);
        SelfTaughtRun.SaveFeatureMaps(run.Path, outcome.Maps, target, settings.Tsne, settings.Seed);

        SelfTaughtRun.PrintAutoencoder(ae, report.Autoencoder.TargetReconstructionLoss);
        var rows = report.Results;
        var table = new Table().Title($"test accuracy on {Markup.Escape(settings.Target!)} ({report.Split.Test} held out)")
            .AddColumns(["shots per class", "labelled", .. outcome.Maps.Select(m => $"{m.Name} ({rows[0].Scores.First(s => s.Features == m.Name).FeatureDimension})")]);
        foreach (var r in rows)
            table.AddRow([r.Shots, $"{r.Train}", .. r.Scores.Select(s => $"{s.TestAccuracy:P2}")]);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"run folder [bold]{Markup.Escape(run.Path)}[/]");
        return 0;
    }
}
