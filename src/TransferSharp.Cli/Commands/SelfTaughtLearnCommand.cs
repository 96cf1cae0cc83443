using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Data;
using TransferSharp.Evaluation;
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
        var (trainPool, test) = target.StratifiedSplit(settings.TestFraction, settings.Seed);
        using var _pool = trainPool;
        using var _test = test;
        int[] shots = settings.Shots is null ? [] : SelfTaughtSettings.ParseList(settings.Shots)!;
        int smallest = trainPool.ClassCounts().Min();
        foreach (var k in shots)
            if (k > smallest)
                throw new ArgumentException($"--shots {k}: the training part of --target {settings.Target} has only {smallest} examples in its smallest class");
        int maxComponents = (int)Math.Min(source.Count, source.ExampleShape.Aggregate(1L, (a, b) => a * b));
        if (settings.PcaComponents > maxComponents)
            throw new ArgumentException($"--pca-components {settings.PcaComponents}: at most {maxComponents} (the source's examples or dimensions)");
        var classifier = new SelfTaughtLearner(settings.ToClassifierOptions());

        var run = RunFolder.Create(settings.Runs, "selftaught-learn");
        AnsiConsole.MarkupLine($"[bold]selftaught learn[/] source {Markup.Escape(source.ToString())}; target {Markup.Escape(target.ToString())} -> " +
                               $"train pool {trainPool.Count}, test {test.Count}; {threads} threads, seed {settings.Seed}; run folder {Markup.Escape(run.Path)}");
        var ae = SelfTaughtRun.TrainAutoencoder(settings, source, cancellation);
        using var model = ae.Model;
        double targetRecon = model.ReconstructionLoss(target);

        SelfTaughtRun.Status($"PCA ({settings.PcaComponents} components) on the source");
        using var pca = Pca.Fit(source, settings.PcaComponents);
        FeatureMap[] maps = [FeatureMap.Raw(), FeatureMap.Pca(pca), FeatureMap.Encoder(model)];

        var rows = new List<(string Shots, int Train, FeatureClassifierScore[] Scores)>();
        IEnumerable<int?> shotList = shots.Length == 0 ? [null] : shots.Select(k => (int?)k);
        foreach (var k in shotList)
        {
            using var train = k is { } kk ? trainPool.TakePerClass(kk, settings.Seed) : null;
            var trainSet = train ?? trainPool;
            SelfTaughtRun.Status($"classifier on {trainSet.Count} labelled target examples ({(k is null ? "all" : $"{k} per class")})");
            var scores = maps.Select(m => classifier.Fit(m, trainSet, test, cancellation)).ToArray();
            rows.Add((k?.ToString() ?? "all", trainSet.Count, scores));
        }

        run.WriteJson(run.Metrics, new
        {
            command = "selftaught learn",
            source = settings.Source,
            target = settings.Target,
            source_provenance = source.Provenance,
            target_provenance = target.Provenance,
            seed = settings.Seed,
            machine = SelfTaughtRun.Machine(threads),
            autoencoder_options = settings.ToAutoencoderOptions(),
            classifier_options = settings.ToClassifierOptions(),
            split = new { source = source.Count, train_pool = trainPool.Count, test = test.Count },
            autoencoder = new { code_size = model.CodeSize, target_reconstruction_loss = targetRecon, history = ae.History },
            pca = new { components = pca.Components, explained_variance = pca.ExplainedVarianceRatio.Sum() },
            results = rows.Select(r => new
            {
                shots = r.Shots,
                train = r.Train,
                test_accuracy = r.Scores.ToDictionary(s => s.Features, s => s.TestAccuracy),
                scores = r.Scores,
            }),
        });
        model.save(Path.Combine(run.Path, "autoencoder.pt"));
        SelfTaughtRun.SaveReconstructions(Path.Combine(run.Path, "reconstructions.png"), model, source, target);
        SelfTaughtRun.SaveFeatureMaps(run.Path, maps, target, settings.Tsne, settings.Seed);

        SelfTaughtRun.PrintAutoencoder(ae, targetRecon);
        var table = new Table().Title($"test accuracy on {Markup.Escape(settings.Target!)} ({test.Count} held out)")
            .AddColumns(["shots per class", "labelled", .. maps.Select(m => $"{m.Name} ({rows[0].Scores.First(s => s.Features == m.Name).FeatureDimension})")]);
        foreach (var r in rows)
            table.AddRow([r.Shots, $"{r.Train}", .. r.Scores.Select(s => $"{s.TestAccuracy:P2}")]);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"run folder [bold]{Markup.Escape(run.Path)}[/]");
        return 0;
    }
}
