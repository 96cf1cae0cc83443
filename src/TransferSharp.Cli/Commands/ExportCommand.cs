using TransferSharp.Cli.Rendering;
using TransferSharp.Export;
using TransferSharp.Training;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer export</c>: a checkpoint as an ONNX file for ONNX Runtime or ML.NET (no libtorch needed to run it).</summary>
internal sealed class ExportCommand : Command<ExportCommand.Settings>
{
    internal sealed class Settings : CheckpointSettings
    {
        [CommandOption("-o|--out <FILE>")]
        [Description("The ONNX file to write. Default: the checkpoint's path with .onnx.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() => Then(base.Validate(),
            Out is { } o && !o.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? $"--out {o}: must be a .onnx file" : null);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Seeding.SetThreads(settings.Threads);
        var (model, info) = Checkpoint.Load(settings.Model!);
        using var _ = model;
        var output = settings.Out ?? Path.ChangeExtension(settings.Model!, ".onnx");
        OnnxExport.Export(model, info.InputShape, output, OnnxExport.FromCheckpoint(info));
        Tables.KeyValues("exported", [
            ("file", Markup.Escape(output)),
            ("input", $"input: N x {string.Join(" x ", info.InputShape)} (float32)"),
            ("output", $"output: N x {info.ClassNames.Length} logits"),
            ("preprocessing", Markup.Escape(string.IsNullOrEmpty(info.Preprocessing) ? "none" : info.Preprocessing)),
            ("size", $"{new FileInfo(output).Length / 1024.0:0} KiB"),
        ]);
        return 0;
    }
}
