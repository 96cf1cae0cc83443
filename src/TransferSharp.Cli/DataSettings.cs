using System.ComponentModel;
using Spectre.Console.Cli;
using TransferSharp.Data;

namespace TransferSharp.Cli;

/// <summary>How a command gets its dataset: a name or path, and how to shape the images.</summary>
internal class DataSettings : CommonSettings
{
    [CommandOption("-d|--data <DATA>")]
    [Description("Built-in name (transfer datasets list) or path (IDX images file, image folder, CSV), optionally with :classes, e.g. mnist:0-4.")]
    public string? Data { get; init; }

    [CommandOption("--size <PIXELS>")]
    [Description("Side length image folders are read at. Default 64.")]
    public int Size { get; init; } = 64;

    [CommandOption("--resize <PIXELS>")]
    [Description("Resize every image to this square size (e.g. 28 to use LeNet on optdigits).")]
    public int? Resize { get; init; }

    [CommandOption("--channels <1|3>")]
    [Description("Convert images to grey (1) or RGB (3).")]
    public int? Channels { get; init; }

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data is required");
        if (Size < 1) return ValidationResult.Error($"--size must be positive, got {Size}");
        if (Resize is < 1) return ValidationResult.Error($"--resize must be positive, got {Resize}");
        if (Channels is not (null or 1 or 3)) return ValidationResult.Error($"--channels must be 1 or 3, got {Channels}");
        return ValidationResult.Success();
    }

    public Dataset LoadData() => Catalog.Load(Data!, ToDataOptions());

    /// <summary>How to read and shape the images: --size, --resize, --channels.</summary>
    public DataOptions ToDataOptions() => new() { ImageSize = Size, Rgb = Channels != 1, Resize = Resize, Channels = Channels };
}
