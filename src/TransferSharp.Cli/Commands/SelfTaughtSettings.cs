using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using TransferSharp.SelfTaught;

namespace TransferSharp.Cli.Commands;

/// <summary>What <c>transfer selftaught learn</c> and <c>cluster</c> share: the source, the target and the autoencoder.</summary>
internal class SelfTaughtSettings : RunFolderSettings
{
    /// <summary>Digit-sized images, as the autoencoder defaults (200 dense codes) are sized for.</summary>
    protected override int DefaultSize => 28;

    [CommandOption("-s|--source <DATA>")]
    [Description("Unlabelled source (labels are dropped): built-in name or path, optionally with :classes, e.g. mnist:5-9.")]
    public string? Source { get; init; }

    [CommandOption("-t|--target <DATA>")]
    [Description("Target: built-in name or path, optionally with :classes, e.g. mnist:0-4.")]
    public string? Target { get; init; }

    [CommandOption("-a|--autoencoder <KIND>")]
    [Description("dense (default) or conv.")]
    public string Autoencoder { get; init; } = "dense";

    [CommandOption("--hidden <N>")]
    [Description("Hidden (code) units of the dense autoencoder. Default 200.")]
    public int Hidden { get; init; } = 200;

    [CommandOption("--conv-channels <LIST>")]
    [Description("Channels of the conv encoder's stride-2 layers, e.g. 16,32 (default).")]
    public string ConvChannels { get; init; } = "16,32";

    [CommandOption("--ae-epochs <N>")]
    [Description("Autoencoder epochs over the source. Default 20.")]
    public int AeEpochs { get; init; } = 20;

    [CommandOption("--ae-batch-size <N>")]
    [Description("Autoencoder minibatch size. Default 128.")]
    public int AeBatchSize { get; init; } = 128;

    [CommandOption("--ae-lr <RATE>")]
    [Description("Autoencoder learning rate (Adam). Default 0.003.")]
    public double AeLearningRate { get; init; } = 3e-3;

    [CommandOption("--sparsity <BETA>")]
    [Description("Weight of the KL sparsity penalty; 0 = off. Default 3.")]
    public double Sparsity { get; init; } = 3;

    [CommandOption("--sparsity-target <RHO>")]
    [Description("Target mean activation of each code unit. Default 0.1.")]
    public double SparsityTarget { get; init; } = 0.1;

    [CommandOption("--weight-decay <LAMBDA>")]
    [Description("Autoencoder weight decay. Default 0.003.")]
    public double WeightDecay { get; init; } = 3e-3;

    [CommandOption("--corruption <P>")]
    [Description("Denoising: fraction of input values zeroed during training. Default 0 (off).")]
    public double Corruption { get; init; }

    [CommandOption("--pca-components <N>")]
    [Description("Components of the PCA baseline. Default 50.")]
    public int PcaComponents { get; init; } = 50;

    [CommandOption("--tsne <N>")]
    [Description("Target examples in the t-SNE pictures of each feature kind (tsne-<features>.png); 0 = none. Default 500.")]
    public int Tsne { get; init; } = 500;

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        if (string.IsNullOrWhiteSpace(Source)) return ValidationResult.Error("--source is required");
        if (string.IsNullOrWhiteSpace(Target)) return ValidationResult.Error("--target is required");
        if (ParseKind(Autoencoder) is null) return ValidationResult.Error($"--autoencoder '{Autoencoder}' is unknown (choose dense, conv)");
        if (ParseList(ConvChannels) is null) return ValidationResult.Error($"--conv-channels '{ConvChannels}' must be a comma-separated list of positive integers");
        if (PcaComponents < 1) return ValidationResult.Error($"--pca-components must be at least 1, got {PcaComponents}");
        if (Tsne is < 0 or 1 or 2 or 3) return ValidationResult.Error($"--tsne must be 0 (off) or at least 4, got {Tsne}");
        var errors = ToAutoencoderOptions().Validate();
        return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join("; ", errors));
    }

    public AutoencoderOptions ToAutoencoderOptions() => new()
    {
        Kind = ParseKind(Autoencoder) ?? AutoencoderKind.Dense,
        HiddenUnits = Hidden,
        ConvChannels = ParseList(ConvChannels) ?? [16, 32],
        Corruption = Corruption,
        SparsityWeight = Sparsity,
        SparsityTarget = SparsityTarget,
        WeightDecay = WeightDecay,
        Epochs = AeEpochs,
        BatchSize = AeBatchSize,
        LearningRate = AeLearningRate,
        Seed = Seed,
        Threads = Threads,
    };

    public DataSettings SourceData => new() { Data = Source, Size = Size, Resize = Resize, Channels = Channels };
    public DataSettings TargetData => new() { Data = Target, Size = Size, Resize = Resize, Channels = Channels };

    private static AutoencoderKind? ParseKind(string s) => s.ToLowerInvariant() switch
    {
        "dense" => AutoencoderKind.Dense,
        "conv" => AutoencoderKind.Conv,
        _ => null,
    };

    /// <summary>Parses <c>1,5,10</c>; null unless every item is a positive integer.</summary>
    internal static int[]? ParseList(string s)
    {
        var items = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new List<int>();
        foreach (var item in items)
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1) return null;
            values.Add(v);
        }
        return values.Count == 0 ? null : values.ToArray();
    }
}
