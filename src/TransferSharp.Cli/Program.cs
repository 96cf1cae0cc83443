using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Cli;
using TransferSharp.Cli.Commands;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("transfer");
    config.PropagateExceptions();
    config.UseStrictParsing();
    config.AddBranch("datasets", d =>
    {
        d.SetDescription("List the built-in datasets or draw samples of one.");
        d.AddCommand<DatasetsListCommand>("list").WithDescription("List the built-in datasets.");
        d.AddCommand<DatasetsShowCommand>("show").WithDescription("Write a PNG grid of samples per class.");
    });
    config.AddCommand<TrainCommand>("train").WithDescription("Train a model on a dataset and evaluate it on a held-out split.");
    config.AddCommand<AdaptCommand>("adapt").WithDescription("Domain adaptation from a labelled source to an unlabelled target (DANN, MMD, CORAL, baselines).");
    config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate a checkpoint on a labelled dataset.");
    config.AddCommand<PredictCommand>("predict").WithDescription("Classify an image or every image in a folder.");
});
return CliErrors.Run(() => app.Run(args), args.Contains("--verbose"));
