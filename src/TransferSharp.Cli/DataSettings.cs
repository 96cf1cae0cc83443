using TransferSharp.Data;

namespace TransferSharp.Cli;

/// <summary>How a command gets its dataset: <c>--data</c>, a name or path, shaped by <see cref="ImageSettings"/>.</summary>
internal class DataSettings : ImageSettings
{
    [CommandOption("-d|--data <DATA>")]
    [Description("Built-in name (transfer datasets list) or path (IDX images file, image folder, CSV), optionally with :classes, e.g. mnist:0-4.")]
    public string? Data { get; init; }

    public override ValidationResult Validate() => Then(base.Validate(), string.IsNullOrWhiteSpace(Data) ? "--data is required" : null);

    public Dataset LoadData() => Load(Data!);
}
