using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>Dense or convolutional autoencoder.</summary>
public enum AutoencoderKind
{
    /// <summary>One sigmoid hidden layer on the flattened input (the sparse autoencoder of the UFLDL tutorial).</summary>
    Dense,
    /// <summary>Stride-2 3x3 convolutions down, transposed convolutions up; the code is the last feature map.</summary>
    Conv,
}

/// <summary>
/// Settings of an autoencoder and of its training on unlabelled source data. The defaults follow the UFLDL
/// self-taught learning exercise: 200 sigmoid hidden units, sparsity target ρ = 0.1 with weight β = 3, weight decay
/// λ = 3e-3; the optimiser is Adam at a constant 3e-3 (UFLDL used L-BFGS), 20 epochs of 128.
/// </summary>
public sealed record AutoencoderOptions : TrainerOptions
{
    /// <summary>The defaults: 20 epochs of 128, Adam at a constant 3e-3, weight decay λ = 3e-3 on the weights (not
    /// the biases, as the gradient of λ/2 ‖W‖²).</summary>
    public AutoencoderOptions()
    {
        Epochs = 20;
        BatchSize = 128;
        WeightDecay = 3e-3;
        Schedule = ScheduleKind.Constant;
    }

    /// <summary>Default <see cref="AutoencoderKind.Dense"/>.</summary>
    public AutoencoderKind Kind { get; init; } = AutoencoderKind.Dense;
    /// <summary>Hidden (code) units of the dense autoencoder. Default 200.</summary>
    public int HiddenUnits { get; init; } = 200;
    /// <summary>
    /// Widths of ReLU layers between the input and the code of the dense autoencoder, mirrored in the decoder: [256]
    /// with 64 hidden units gives d-256-64-256-d (a deep autoencoder). Default none: the single hidden layer of UFLDL.
    /// </summary>
    public IReadOnlyList<int> DenseLayers { get; init; } = [];
    /// <summary>Channels of the convolutional encoder's layers, each halving the image side. Default 16, 32.</summary>
    public IReadOnlyList<int> ConvChannels { get; init; } = [16, 32];
    /// <summary>Denoising: the fraction of input values zeroed at random (masking noise, Vincent et al. 2008); the
    /// target stays the clean input. Default 0 (off).</summary>
    public double Corruption { get; init; }
    /// <summary>Weight β of the KL sparsity penalty; 0 turns it off. Default 3.</summary>
    public double SparsityWeight { get; init; } = 3;
    /// <summary>Target mean activation ρ of each hidden unit. Default 0.1.</summary>
    public double SparsityTarget { get; init; } = 0.1;

    /// <inheritdoc/>
    public override IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (HiddenUnits < 1) e.Add(new(nameof(HiddenUnits), $"hidden units must be at least 1, got {HiddenUnits}"));
        if (DenseLayers is null || DenseLayers.Any(w => w < 1))
            e.Add(new(nameof(DenseLayers), $"dense layers must be positive widths, got [{string.Join(", ", DenseLayers ?? [])}]"));
        if (ConvChannels is null || ConvChannels.Count == 0 || ConvChannels.Any(c => c < 1))
            e.Add(new(nameof(ConvChannels), $"conv channels must be one or more positive counts, got [{string.Join(", ", ConvChannels ?? [])}]"));
        if (Corruption is < 0 or >= 1 || double.IsNaN(Corruption)) e.Add(new(nameof(Corruption), $"corruption must be in [0, 1), got {Corruption}"));
        if (!(SparsityWeight >= 0) || double.IsInfinity(SparsityWeight))
            e.Add(new(nameof(SparsityWeight), $"sparsity weight must be finite and non-negative, got {SparsityWeight}"));
        if (SparsityTarget is <= 0 or >= 1 || double.IsNaN(SparsityTarget)) e.Add(new(nameof(SparsityTarget), $"sparsity target must be in (0, 1), got {SparsityTarget}"));
        e.AddRange(base.Validate());
        return e;
    }
}
