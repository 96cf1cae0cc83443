using System.ComponentModel;
using Spectre.Console.Cli;
using TransferSharp.Data;

namespace TransferSharp.Cli;

/// <summary>How a command gets its dataset: <c>--data</c>, a name or path, shaped by <see cref="ImageSettings"/>.</summary>
internal class DataSettings : ImageSettings
{
    [CommandOption("-d|--data <DATA>")]
    [Description("Built-in name (transfer datasets list) or path (IDX images file, image folder, CSV), optionally with :classes, e.g. mnist:0-4.")]
    public string? Data { get; init; }

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data is required");
        return ValidationResult.Success();
    }

    public Dataset LoadData() => Catalog.Load(Data!, ToDataOptions());

    /// <summary>How to read and shape the images: --size, --resize, --channels.</summary>
    public DataOptions ToDataOptions() => new() { ImageSize = Size, Rgb = Channels != 1, Resize = Resize, Channels = Channels };
}
