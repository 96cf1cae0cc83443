using TransferSharp.Cli.Rendering;
using TransferSharp.Evaluation;
using TransferSharp.Models;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer evaluate</c>: accuracy, loss and per-class accuracy of a checkpoint on a labelled dataset.</summary>
internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    internal sealed class Settings : DataSettings
    {
        [CommandOption("--model <CHECKPOINT>")]
        [Description("A checkpoint written by transfer train, finetune or adapt (model.pt with its model.json).")]
        public string? Model { get; init; }

        public override ValidationResult Validate() => Then(base.Validate(), string.IsNullOrWhiteSpace(Model) ? "--model is required" : null);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Seeding.SetThreads(settings.Threads);
        var (model, info) = Checkpoint.Load(settings.Model!, settings.Device ?? "auto");
        using var _ = model;
        // The inputs as the model was trained on them (e.g. ImageNet preprocessing for a model fine-tuned from resnet18-imagenet).
        using var data = InputPreprocessing.Apply(info.Preprocessing, settings.LoadData());
        if (!data.HasLabels) throw new ArgumentException($"--data {settings.Data}: no labels to evaluate against");
        if (!data.ExampleShape.SequenceEqual(info.InputShape))
            throw new ArgumentException($"--data {settings.Data}: examples are {string.Join('x', data.ExampleShape)} but the model takes {string.Join('x', info.InputShape)} (use --resize / --channels)");
        if (!data.ClassNames.SequenceEqual(info.ClassNames))
            throw new ArgumentException($"--data {settings.Data}: classes ({string.Join(", ", data.ClassNames)}) differ from the model's ({string.Join(", ", info.ClassNames)})");
        var score = Metrics.Evaluate(model, data);
        var perClass = score.PerClassAccuracy();
        var t = new Table().Title($"{Markup.Escape(settings.Model!)} on {Markup.Escape(data.Name)}").AddColumns("class", "examples", "accuracy");
        for (int k = 0; k < data.ClassCount; k++)
        {
            int n = 0;
            for (int j = 0; j < data.ClassCount; j++) n += score.Confusion[k, j];
            t.AddRow(Markup.Escape(data.ClassNames[k]), $"{n}", double.IsNaN(perClass[k]) ? "-" : $"{perClass[k]:P2}");
        }
        AnsiConsole.Write(t);
        Tables.KeyValues("result", [("accuracy", $"{score.Accuracy:P2}"), ("loss", $"{score.Loss:0.0000}"), ("examples", $"{score.Count}")]);
        return 0;
    }
}
