using TransferSharp.SelfTaught;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// <c>transfer selftaught learn</c>: autoencoder on the unlabelled source, then a classifier on K labelled target
/// examples per class, on autoencoder codes against raw inputs and PCA.
/// </summary>
internal sealed class SelfTaughtLearnCommand : Command<SelfTaughtLearnCommand.Settings>
{
    /// <summary>The shared settings and the classifier (the <see cref="FeatureClassifierOptions"/> group).</summary>
    internal sealed class Settings : SelfTaughtSettings
    {
        [CommandOption("-k|--shots <LIST>"), Description("Labelled target examples per class, one or more: 1,5,10,50. Default: all of the training part.")]
        public string? Shots { get; init; }
        [CommandOption("--test-fraction <F>"), Description("Fraction of every target class held out for testing. Default 0.5.")]
        public double? TestFraction { get; init; }
        [CommandOption("--classifier <KIND>"), Description("softmax (default) or mlp.")]
        public string Classifier { get; init; } = "softmax";
        [CommandOption("--classifier-steps <N>"), Field("Classifier.Steps"), Description("Classifier optimiser steps. Default 600.")]
        public int? ClassifierSteps { get; init; }
        [CommandOption("--classifier-lr <RATE>"), Field("Classifier.LearningRate"), Description("Classifier learning rate (Adam). Default 0.01.")]
        public double? ClassifierLearningRate { get; init; }
        [CommandOption("--classifier-weight-decay <LAMBDA>"), Field("Classifier.WeightDecay"), Description("Classifier weight decay. Default 0.0001.")]
        public double? ClassifierWeightDecay { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Shots is not null && ParseList(Shots) is null) return ValidationResult.Error($"--shots '{Shots}' must be a comma-separated list of integers");
            if (OptionValues.ParseEnum<FeatureClassifierKind>(Classifier) is null) return ValidationResult.Error($"--classifier '{Classifier}' is unknown (choose softmax, mlp)");
            return OptionNames.Check(this, ToOptions().Validate());
        }

        public SelfTaughtLearnOptions ToOptions()
        {
            var (d, c) = (new SelfTaughtLearnOptions(), new FeatureClassifierOptions());
            return d with
            {
                Autoencoder = ToAutoencoderOptions(),
                Classifier = c with
                {
                    Kind = OptionValues.ParseEnum<FeatureClassifierKind>(Classifier) ?? c.Kind, Steps = ClassifierSteps ?? c.Steps,
                    LearningRate = ClassifierLearningRate ?? c.LearningRate, WeightDecay = ClassifierWeightDecay ?? c.WeightDecay, Seed = Seed, Threads = Threads,
                    Device = Device ?? c.Device,
                },
                PcaComponents = PcaComponents, TestFraction = TestFraction ?? d.TestFraction, Shots = Shots is null ? [] : ParseList(Shots)!, Seed = Seed,
            };
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) => CtrlC.Run(cancellationToken, cancellation =>
    {
        var (source, target) = SelfTaughtRun.Load(settings);
        using var _source = source;
        using var _target = target;
        var options = settings.ToOptions();
        using var experiment = new SelfTaughtExperiment(source, target, options);
        var (run, report) = SelfTaughtRun.Run(settings, "selftaught learn", source, target, experiment, $" -> train pool {experiment.TrainPool.Count}, test {experiment.Test.Count}",
            new { AutoencoderOptions = options.Autoencoder, ClassifierOptions = options.Classifier }, cancellation);
        var rows = report.Results;
        var table = new Table().Title($"test accuracy on {Markup.Escape(settings.Target!)} ({report.Split.Test} held out)")
            .AddColumns(["shots per class", "labelled", .. rows[0].Scores.Select(s => $"{s.Features} ({s.FeatureDimension})")]);
        foreach (var r in rows)
            table.AddRow([r.Shots, $"{r.Train}", .. r.Scores.Select(s => $"{s.TestAccuracy:P2}")]);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"run folder [bold]{Markup.Escape(run.Path)}[/]");
        return 0;
    });
}
