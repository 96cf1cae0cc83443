using System.Runtime.CompilerServices;

namespace TransferSharp.Cli.Settings;

/// <summary>
/// Options every command takes, and the record of which options the command line gave: the parser sets only those,
/// so a property's setter marks it (<see cref="WasGiven"/>), whatever its type or default.
/// </summary>
internal class CommonSettings : CommandSettings
{
    private readonly HashSet<string> given = new(StringComparer.Ordinal);

    [CommandOption("--seed <SEED>")]
    [Description("Seeds initialisation, splits and shuffles. Default 0.")]
    public int Seed { get; init { field = value; Mark(); } }

    [CommandOption("--threads <N>")]
    [Description("CPU threads; 0 = all cores (default).")]
    public int Threads { get; init { field = value; Mark(); } }

    [CommandOption("--device <DEVICE>")]
    [Description("auto (default): CUDA when TorchSharp reports it, else the CPU; or cpu, cuda, cuda:N. CUDA needs the TorchSharp-cuda package; asking for it without one fails with the reason.")]
    public string? Device { get; init; }

    [CommandOption("--verbose")]
    [Description("Show the stack trace of an error.")]
    public bool Verbose { get; init; }

    /// <summary>The device the command runs on, as run records name it (<c>cpu</c>, <c>cuda:0</c>); valid after Validate.</summary>
    public string DeviceName => TransferSharp.Training.DeviceChoice.Name(TransferSharp.Training.DeviceChoice.Resolve(Device ?? "auto"));

    /// <summary>Whether the command line set <paramref name="property"/> (a settings property name).</summary>
    public bool WasGiven(string property) => given.Contains(property);

    /// <summary>Called by a setter: the parser (or an initialiser) set this property.</summary>
    protected void Mark([CallerMemberName] string property = "") => given.Add(property);

    /// <summary>
    /// For the help: this command's default of the option that sets <paramref name="property"/> (the text after
    /// "Default "), or null to keep the option's description as it is.
    /// </summary>
    public virtual string? HelpDefault(string property) => null;

    /// <summary>For the help: whether this command takes the option that sets <paramref name="property"/>.</summary>
    public virtual bool Applies(string property) => true;

    public override ValidationResult Validate() => Then(ValidationResult.Success(),
        given.FirstOrDefault(p => !Applies(p)) is { } other ? $"{OptionNames.OfProperty(GetType(), other)} does not apply to this command"
        : Threads < 0 ? $"--threads must be 0 or more, got {Threads}" : Device is { } d ? DeviceError(d) : null);

    // Checked here, before any data loads, so that a CUDA device TorchSharp does not report is one clear error.
    private static string? DeviceError(string device)
    {
        try
        {
            TransferSharp.Training.DeviceChoice.Resolve(device);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"--device {e.Message.Replace($"device '{device}'", device)}";
        }
    }

    /// <summary>A derived Validate(): the base's failure if it failed, else <paramref name="error"/> (null = success).</summary>
    protected static ValidationResult Then(ValidationResult checkedBase, string? error) =>
        !checkedBase.Successful ? checkedBase : error is null ? ValidationResult.Success() : ValidationResult.Error(error);
}
