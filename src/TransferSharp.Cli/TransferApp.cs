using TransferSharp.Cli.Commands;

namespace TransferSharp.Cli;

/// <summary>The <c>transfer</c> command tree, shared by <c>Program</c> and the in-process tests.</summary>
internal static class TransferApp
{
    /// <summary>Registers every command; <paramref name="recorder"/>, if given, keeps the settings of the command that runs.</summary>
    public static void Configure(IConfigurator config, SettingsRecorder? recorder = null)
    {
        config.SetApplicationName("transfer");
        config.SetApplicationVersion(Version);
        config.PropagateExceptions();
        config.UseStrictParsing();
        config.SetHelpProvider(new Rendering.CommandHelp(config.Settings));
        config.AddBranch("datasets", d =>
        {
            d.SetDescription("List the built-in datasets or draw samples of one.");
            d.AddCommand<DatasetsListCommand>("list").WithDescription("List the built-in datasets.");
            d.AddCommand<DatasetsShowCommand>("show").WithDescription("Write a PNG grid of samples per class.");
        });
        config.AddBranch("selftaught", s =>
        {
            s.SetDescription("Self-taught learning and clustering: an autoencoder on unlabelled source data gives the target its features.");
            s.AddCommand<SelfTaughtLearnCommand>("learn").WithDescription("Classify the target from few labels on autoencoder features (vs raw and PCA).");
            s.AddCommand<SelfTaughtClusterCommand>("cluster").WithDescription("Cluster the target with k-means, then DEC, on autoencoder features (vs raw and PCA).");
        });
        config.AddCommand<TrainCommand>("train").WithDescription("Train a model on a dataset and evaluate it on a held-out split.");
        config.AddCommand<FinetuneCommand>("finetune").WithDescription("Copy stages of a trained model into a new one and train it on a small target set.");
        config.AddBranch("experiment", x =>
        {
            x.SetDescription("Run a published experiment and compare with the paper.");
            x.AddCommand<TransferabilityCommand>("transferability").WithDescription("Yosinski et al. 2014: how transferable each stage is (BnB, BnB+, AnB, AnB+).");
        });
        config.AddCommand<AdaptCommand>("adapt").WithDescription($"Domain adaptation from a labelled source to an unlabelled target ({TransferSharp.DomainAdaptation.AdaptationMethods.Names}; see --method).");
        config.AddCommand<ExportCommand>("export").WithDescription("Write a checkpoint as an ONNX file for ONNX Runtime or ML.NET.");
        config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate a checkpoint on a labelled dataset.");
        config.AddCommand<MultiTaskCommand>("multitask")
            .WithDescription("Train one shared trunk with a head per task on several tasks together; evaluate each task.")
            .WithExample("multitask", "--task", "mnist:0-4@shots=10", "--task", "mnist:5-9", "--shared", "first:3");
        config.AddCommand<RankCommand>("rank").WithDescription("Predict which source model will fine-tune best to a target, from one forward pass (LogME, H-score, shrinkage H-score, LEEP, NCE); --layers scores every stage.");
        config.AddCommand<PredictCommand>("predict").WithDescription("Classify an image or every image in a folder.");
        config.AddCommand<TourCommand>("tour").WithDescription("One experiment per family of transfer learning against its baseline, with an HTML report.");
        config.AddBranch("translate", t =>
        {
            t.SetDescription("Zero-shot translation: one multilingual model translates between languages it never saw paired.");
            t.SetDefaultCommand<TranslateCommand>();
            t.AddCommand<TranslateTrainCommand>("train").WithDescription("Train on some directions, test others zero-shot against bridged and direct baselines.");
        });
        config.AddCommand<ZeroShotCommand>("zeroshot").WithDescription("Recognise classes never seen in training from their attributes or word vectors.");
        if (recorder is not null) config.SetInterceptor(recorder);
    }

    /// <summary>The package version and the commit it was built from (<c>transfer --version</c>): 0.1.0 (7ae76c4).</summary>
    public static string Version { get; } = typeof(TransferApp).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+') switch
        {
            [var v, var commit, ..] => $"{v} ({commit[..Math.Min(7, commit.Length)]})",
            [var v] => v,
            _ => "unknown",
        };

    /// <summary>Runs the command line: the exit code (0, 1 for a bug, 2 for bad input, 130 when interrupted).</summary>
    public static int Run(string[] args, TextWriter error)
    {
        var recorder = new SettingsRecorder();
        var app = new CommandApp();
        app.Configure(config => Configure(config, recorder));
        return CliErrors.Run(() => app.Run(args), args.Contains("--verbose"), error, () => recorder.Settings?.GetType(), args);
    }
}

/// <summary>Keeps the settings of the command being run, so an error thrown during it can name that command's options.</summary>
internal sealed class SettingsRecorder : ICommandInterceptor
{
    public CommandSettings? Settings { get; private set; }

    public void Intercept(CommandContext context, CommandSettings settings)
    {
        Settings = settings;
        CliErrors.RequireFiniteOptions(settings);
    }
}
