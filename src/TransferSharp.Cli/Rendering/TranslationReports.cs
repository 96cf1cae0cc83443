using Spectre.Console;
using TransferSharp.Reporting;
using TransferSharp.Translation;

namespace TransferSharp.Cli.Rendering;

/// <summary>The tables of a translation report (the figure is <see cref="TranslationFigures"/>).</summary>
internal static class TranslationReports
{
    /// <summary>One row per (direction, system): exact match, chrF, BLEU, wrong-language rate; then samples and the summary.</summary>
    public static void Print(TranslationReport report, string runPath)
    {
        var t = new Table().Title("test rows, per direction").AddColumns("direction", "system", "exact", "chrF", "BLEU", "wrong language");
        foreach (var s in report.Scores)
            t.AddRow(s.Direction, s.System == TranslationExperiment.ZeroShot ? "[bold]zero-shot[/]" : s.System, $"{s.ExactMatch:P1}", $"{s.ChrF:0.0}", $"{s.Bleu:0.0}", $"{s.WrongLanguage:P1}");
        AnsiConsole.Write(t);
        var samples = new Table().Title("samples (zero-shot)").AddColumns("direction", "source", "reference", "output");
        foreach (var s in report.Scores.Where(x => x.System == TranslationExperiment.ZeroShot))
            foreach (var x in s.Samples.Take(2)) samples.AddRow(s.Direction, Markup.Escape(x.Source), Markup.Escape(x.Reference), Markup.Escape(x.Output));
        AnsiConsole.Write(samples);
        Tables.KeyValues("result", [
            ("zero-shot chrF / exact (mean)", $"{report.Mean(TranslationExperiment.ZeroShot, s => s.ChrF):0.0} / {report.Mean(TranslationExperiment.ZeroShot, s => s.ExactMatch):P1}"),
            ("bridged via " + report.Pivot, $"{report.Mean(TranslationExperiment.Bridged, s => s.ChrF):0.0} / {report.Mean(TranslationExperiment.Bridged, s => s.ExactMatch):P1}"),
            ("direct (trained on them)", double.IsNaN(report.Mean(TranslationExperiment.Direct, s => s.ChrF)) ? "not run"
                : $"{report.Mean(TranslationExperiment.Direct, s => s.ChrF):0.0} / {report.Mean(TranslationExperiment.Direct, s => s.ExactMatch):P1}"),
            ("zero-shot wrong-language rate", $"{report.Mean(TranslationExperiment.ZeroShot, s => s.WrongLanguage):P1}"),
            ("cross-language retrieval (encoder)", report.Retrieval.Sentences == 0 ? "not measured (no two test rows share two languages)"
                : $"{report.Retrieval.MeanAccuracy:P1} of {report.Retrieval.Sentences} (chance {1.0 / report.Retrieval.Sentences:P1})"),
            ("training", $"{report.Training.Pairs:N0} pairs/epoch, {report.Training.Steps:N0} steps, {report.Training.Seconds:0} s, {report.Training.TokensPerSecond:N0} tokens/s"),
            ("run folder", runPath)]);
        foreach (var note in report.Notes) AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
    }
}
