using System.Globalization;
using TransferSharp.Training;
using TransferSharp.SelfTaught;

namespace TransferSharp.Cli.Commands;

/// <summary>
/// What <c>transfer selftaught learn</c> and <c>cluster</c> share: the source, the target and the autoencoder (the
/// <see cref="AutoencoderOptions"/> group; a value not given keeps the library's default). The autoencoder is the network
/// these commands train, so the shared training options (<c>--epochs</c>, <c>--lr</c>, <c>--weight-decay</c>, ...) are its.
/// Library errors name these options through <see cref="OptionNames"/>: the fields are nested (<c>Autoencoder.Epochs</c>).
/// </summary>
internal class SelfTaughtSettings : TrainerSettings
{
    /// <summary>Digit-sized images, as the autoencoder defaults (200 dense codes) are sized for.</summary>
    protected override int DefaultSize => 28;
    protected override TrainerOptions LibraryDefaults => AutoencoderDefaults;
    /// <summary>The command's autoencoder before the values given: the library's (UFLDL) defaults, clustering's own for <c>cluster</c>.</summary>
    protected virtual AutoencoderOptions AutoencoderDefaults => new();

    [CommandOption("-s|--source <DATA>"), Description("Unlabelled source (labels are dropped): built-in name or path, optionally with :classes, e.g. mnist:5-9.")]
    public string? Source { get; init; }
    [CommandOption("-t|--target <DATA>"), Description("Target: built-in name or path, optionally with :classes, e.g. mnist:0-4.")]
    public string? Target { get; init; }
    [CommandOption("-a|--autoencoder <KIND>"), Description("dense (default) or conv.")]
    public string Autoencoder { get; init; } = "dense";
    [CommandOption("--hidden <N>"), Description("Hidden (code) units of the dense autoencoder. Default 200.")]
    public int? HiddenUnits { get; init; }
    [CommandOption("--conv-channels <LIST>"), Description("Channels of the conv encoder's stride-2 layers, e.g. 16,32 (default).")]
    public string? ConvChannels { get; init; }
    [CommandOption("--sparsity <BETA>"), Description("Weight of the KL sparsity penalty; 0 = off. Default: the command's.")]
    public double? SparsityWeight { get; init; }
    [CommandOption("--sparsity-target <RHO>"), Description("Target mean activation of each code unit. Default 0.1.")]
    public double? SparsityTarget { get; init; }
    [CommandOption("--corruption <P>"), Description("Denoising: fraction of input values zeroed during training. Default 0 (off).")]
    public double? Corruption { get; init; }
    [CommandOption("--pca-components <N>"), Description("Components of the PCA baseline. Default 50.")]
    public int PcaComponents { get; init; } = 50;
    [CommandOption("--tsne <N>"), Description("Target examples in the t-SNE pictures of each feature kind (tsne-<features>.png); 0 = none. Default 500.")]
    public int Tsne { get; init; } = 500;

    public override string? HelpDefault(string property) => property == nameof(SparsityWeight)
        ? string.Create(CultureInfo.InvariantCulture, $"{AutoencoderDefaults.SparsityWeight}") : base.HelpDefault(property);

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        if (string.IsNullOrWhiteSpace(Source)) return ValidationResult.Error("--source is required");
        if (string.IsNullOrWhiteSpace(Target)) return ValidationResult.Error("--target is required");
        if (OptionValues.ParseEnum<AutoencoderKind>(Autoencoder) is null) return ValidationResult.Error($"--autoencoder '{Autoencoder}' is unknown (choose dense, conv)");
        if (ConvChannels is not null && ParseList(ConvChannels) is null) return ValidationResult.Error($"--conv-channels '{ConvChannels}' must be a comma-separated list of integers");
        if (Tsne is < 0 or 1 or 2 or 3) return ValidationResult.Error($"--tsne must be 0 (off) or at least 4, got {Tsne}");
        return ValidationResult.Success();
    }

    /// <summary>The library's autoencoder options with the values given (and <c>--seed</c>, <c>--threads</c>).</summary>
    public AutoencoderOptions ToAutoencoderOptions()
    {
        var d = ApplyTo(AutoencoderDefaults);
        return d with
        {
            Kind = OptionValues.ParseEnum<AutoencoderKind>(Autoencoder) ?? d.Kind, HiddenUnits = HiddenUnits ?? d.HiddenUnits,
            ConvChannels = ConvChannels is null ? d.ConvChannels : ParseList(ConvChannels) ?? [], Corruption = Corruption ?? d.Corruption,
            SparsityWeight = SparsityWeight ?? d.SparsityWeight, SparsityTarget = SparsityTarget ?? d.SparsityTarget,
            Seed = Seed, Threads = Threads,
        };
    }

    /// <summary>Parses <c>1,5,10</c> (the library checks the values); null unless every item is an integer.</summary>
    internal static int[]? ParseList(string s) => s.Split(',', StringSplitOptions.TrimEntries) is var items && items.All(i => int.TryParse(i, CultureInfo.InvariantCulture, out _))
        ? items.Select(i => int.Parse(i, CultureInfo.InvariantCulture)).ToArray() : null;
}
