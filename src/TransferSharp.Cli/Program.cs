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
    config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Evaluate a checkpoint on a labelled dataset.");
    config.AddCommand<PredictCommand>("predict").WithDescription("Classify an image or every image in a folder.");
    config.AddCommand<ZeroShotCommand>("zeroshot").WithDescription("Recognise classes never seen in training from their attributes or word vectors.");
});
return CliErrors.Run(() => app.Run(args), args.Contains("--verbose"));
