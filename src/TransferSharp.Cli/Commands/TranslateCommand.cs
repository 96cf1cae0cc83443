using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferSharp.Training;
using TransferSharp.Translation;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer translate --model CKPT --to de "quatre-vingt-dix-neuf"</c>: translate with a trained model (sentences from standard input when none is given).</summary>
internal sealed class TranslateCommand : Command<TranslateCommand.Settings>
{
    internal sealed class Settings : CheckpointSettings
    {
        [CommandArgument(0, "[SENTENCE]"), Description("The sentence to translate; without it, standard input is read, one sentence a line.")]
        public string? Sentence { get; init; }
        [CommandOption("--to <LANG>"), Description("Target language code, e.g. de (required).")]
        public string? To { get; init; }
        [CommandOption("--beam <N>"), Description("Beam width; 1 is greedy decoding. Default 1.")]
        public int Beam { get; init; } = 1;

        public override ValidationResult Validate() => Then(base.Validate(),
            string.IsNullOrWhiteSpace(To) ? "--to is required: the target language, e.g. --to de"
            : Beam < 1 ? $"--beam must be at least 1, got {Beam}" : null);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Seeding.SetThreads(settings.Threads);
        using var translator = Translator.Load(settings.Model!, settings.Device ?? "auto");
        if (!translator.Languages.Contains(settings.To!))
            throw new ArgumentException($"--to {settings.To}: the model knows no language '{settings.To}' (it knows {string.Join(", ", translator.Languages)})");
        var sentences = settings.Sentence is { } s ? [s] : ReadLines(Console.In);
        foreach (var line in translator.Translate(sentences, settings.To!, beam: settings.Beam)) Console.Out.WriteLine(line);
        return 0;
    }

    private static string[] ReadLines(TextReader reader)
    {
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) if (line.Trim().Length > 0) lines.Add(line.Trim());
        if (lines.Count == 0) throw new ArgumentException("no sentence given: pass one as an argument or one a line on standard input");
        return lines.ToArray();
    }
}
