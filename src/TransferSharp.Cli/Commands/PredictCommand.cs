using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer predict</c>: the most likely classes of one image or every image in a folder.</summary>
internal sealed class PredictCommand : Command<PredictCommand.Settings>
{
    internal sealed class Settings : CheckpointSettings
    {
        [CommandOption("-i|--input <IMAGE_OR_FOLDER>")]
        [Description("An image file or a folder of images.")]
        public string? Input { get; init; }

        [CommandOption("--top <K>")]
        [Description("How many classes to show per image. Default 3.")]
        public int Top { get; init; } = 3;

        public override ValidationResult Validate() => Then(base.Validate(),
            string.IsNullOrWhiteSpace(Input) ? "--input is required"
            : Top < 1 ? $"--top must be positive, got {Top}" : null);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Seeding.SetThreads(settings.Threads);
        var files = Predictor.ImageFiles(settings.Input!);
        using var predictor = new Predictor(settings.Model!, settings.Device ?? "auto");
        var predictions = predictor.Predict(files, settings.Top);
        var t = new Table().AddColumn(new TableColumn("file").NoWrap()).AddColumns("class", "probability", "next");
        bool folder = Directory.Exists(settings.Input);
        foreach (var p in predictions)
            t.AddRow(Markup.Escape(folder ? Path.GetRelativePath(settings.Input!, p.File) : p.File), Markup.Escape(p.ClassName), $"{p.Probability:P1}",
                Markup.Escape(string.Join(", ", p.Top.Skip(1).Select(x => $"{x.ClassName} {x.Probability:P1}"))));
        if (folder) AnsiConsole.MarkupLine($"[grey]files under {Markup.Escape(settings.Input!)}[/]");
        AnsiConsole.Write(t);
        return 0;
    }
}
