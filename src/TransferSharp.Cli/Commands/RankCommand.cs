using TransferSharp.Models;
using TransferSharp.SourceSelection;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer rank</c>: which source model to fine-tune from, predicted from one forward pass per source.</summary>
internal sealed class RankCommand : Command<RankCommand.Settings>
{
    internal sealed class Settings : ImageSettings
    {
        [CommandOption("--sources <LIST>")]
        [Description("Comma-separated sources: checkpoints of transfer train (model.pt), PyTorch state dicts of a resnet18 (.safetensors) or resnet18-imagenet. The table lists them best LogME first.")]
        public string? Sources { get; init; }

        [CommandOption("-t|--target <DATA>")]
        [Description("The labelled target: a built-in name or path, optionally with :classes.")]
        public string? Target { get; init; }

        [CommandOption("--shots <K>")]
        [Description("Score on K labelled examples per target class. Default: all.")]
        public int? Shots { get; init; }

        [CommandOption("--layers")]
        [Description("Score every stage of each source (its output after that stage, convolutional maps averaged over space), not only the last: where to cut the source. LEEP and NCE read the head, so only the last stage has them.")]
        public bool Layers { get; init; }

        [CommandOption("--allow-pickle")]
        [Description("Allow pickled PyTorch sources (.pt, .pth, .bin, .ckpt): unpickling can run code in the file, so only for files you trust.")]
        public bool AllowPickle { get; init; }

        public override ValidationResult Validate() => Then(base.Validate(),
            string.IsNullOrWhiteSpace(Sources) ? "--sources is required"
            : string.IsNullOrWhiteSpace(Target) ? "--target is required"
            : Shots is < 1 ? $"--shots must be at least 1, got {Shots}" : null);

        public string[] SourceList => Sources!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        int threads = Seeding.SetThreads(settings.Threads);
        using var target = settings.Load(settings.Target!);
        var options = new RankOptions { Shots = settings.Shots, Seed = settings.Seed, AllowPickle = settings.AllowPickle, Layers = settings.Layers, Device = settings.Device ?? "auto" };
        AnsiConsole.MarkupLine($"[bold]rank[/] {settings.SourceList.Length} sources on {Markup.Escape(target.ToString())}" +
                               $"{(settings.Shots is { } k ? $", {k} per class" : "")}; {threads} threads, seed {settings.Seed}");
        var scores = Transferability.Rank(settings.SourceList, target, options,
            s => AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(s.Source)}: {s.Seconds:0.0} s[/]"));
        static string Num(double? v) => v is { } x ? x.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "-";
        var table = new Table().Title($"{(settings.Layers ? "source stages" : "sources")}, best LogME first (higher is better for every score)")
            .AddColumns(settings.Layers ? ["source", "stage", "features", "LogME", "H-score", "H-score α", "LEEP", "NCE", "s"]
                : ["source", "what", "features", "LogME", "H-score", "H-score α", "LEEP", "NCE", "s"]);
        foreach (var s in scores)
        {
            string[] cells = [Markup.Escape(s.Source), Markup.Escape(s.Description), $"{s.Features}", Num(s.LogMe), Num(s.HScore), Num(s.HScoreShrinkage), Num(s.Leep), Num(s.Nce), $"{s.Seconds:0.0}"];
            // With a row per stage, each source's description is printed once below the table.
            table.AddRow(settings.Layers ? [cells[0], Markup.Escape(s.Stage ?? ""), .. cells[2..]] : cells);
        }
        AnsiConsole.Write(table);
        if (settings.Layers)
            foreach (var s in scores.DistinctBy(s => s.Source))
                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(s.Source)}: {Markup.Escape(s.Description)}[/]");
        AnsiConsole.MarkupLine($"[grey]{scores[0].Examples} target examples; LEEP and NCE need a source with a trained classifier ({ImageNetResNet18.SourceName} ships features only).[/]");
        return 0;
    }
}
