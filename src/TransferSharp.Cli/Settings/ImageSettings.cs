using TransferSharp.Data;

namespace TransferSharp.Cli.Settings;

/// <summary>How a command shapes the images it reads: the side image folders are read at, resizing, channels.</summary>
internal class ImageSettings : CommonSettings
{
    /// <summary>The side image folders are read at when <c>--size</c> is not given: the library's unless a command says otherwise.</summary>
    protected virtual int DefaultSize => new DataOptions().ImageSize;

    [CommandOption("--size <PIXELS>")]
    [Description("Side length image folders are read at. Default: the command's.")]
    public int Size { get => size ?? DefaultSize; init { size = value; Mark(); } }
    private int? size;

    [CommandOption("--resize <PIXELS>")]
    [Description("Resize every image to this square size (e.g. 28 to use LeNet on optdigits).")]
    public int? Resize { get; init { field = value; Mark(); } }

    [CommandOption("--channels <1|3>")]
    [Description("Convert images to grey (1) or RGB (3).")]
    public int? Channels { get; init { field = value; Mark(); } }

    public override string? HelpDefault(string property) => property == nameof(Size) ? $"{DefaultSize}" : base.HelpDefault(property);

    public override ValidationResult Validate() => Then(base.Validate(),
        Size < 1 ? $"--size must be positive, got {Size}"
        : Resize is < 1 ? $"--resize must be positive, got {Resize}"
        : Channels is not (null or 1 or 3) ? $"--channels must be 1 or 3, got {Channels}" : null);

    /// <summary>Loads <paramref name="data"/> (a built-in name or path, with optional :classes) shaped by these settings.</summary>
    public Dataset Load(string data) => Catalog.Load(data, ToDataOptions());

    /// <summary>How to read and shape the images: --size, --resize, --channels.</summary>
    public DataOptions ToDataOptions() => new() { ImageSize = Size, Rgb = Channels != 1, Resize = Resize, Channels = Channels };
}
