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
/// λ = 3e-3; the optimiser is Adam (UFLDL used L-BFGS).
/// </summary>
public sealed record AutoencoderOptions
{
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
    /// <summary>L2 weight decay λ on the weights (not the biases), as the gradient of λ/2 ‖W‖². Default 3e-3.</summary>
    public double WeightDecay { get; init; } = 3e-3;
    /// <summary>Passes over the source data. Default 20.</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Examples per step. Default 128.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam learning rate. Default 3e-3.</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Seeds the weights, shuffles and noise. Default 0.</summary>
    public int Seed { get; init; }
    /// <summary>CPU threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Names every bad field; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (HiddenUnits < 1) e.Add($"hidden units must be at least 1, got {HiddenUnits}");
        if (DenseLayers is null || DenseLayers.Any(w => w < 1))
            e.Add($"dense layers must be positive widths, got [{string.Join(", ", DenseLayers ?? [])}]");
        if (ConvChannels is null || ConvChannels.Count == 0 || ConvChannels.Any(c => c < 1))
            e.Add($"conv channels must be one or more positive counts, got [{string.Join(", ", ConvChannels ?? [])}]");
        if (Corruption is < 0 or >= 1 || double.IsNaN(Corruption)) e.Add($"corruption must be in [0, 1), got {Corruption}");
        if (!(SparsityWeight >= 0) || double.IsInfinity(SparsityWeight)) e.Add($"sparsity weight must be finite and non-negative, got {SparsityWeight}");
        if (SparsityTarget is <= 0 or >= 1 || double.IsNaN(SparsityTarget)) e.Add($"sparsity target must be in (0, 1), got {SparsityTarget}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) e.Add($"weight decay must be finite and non-negative, got {WeightDecay}");
        if (Epochs < 1) e.Add($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) e.Add($"batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) e.Add($"learning rate must be positive, got {LearningRate}");
        if (Threads < 0) e.Add($"threads must be non-negative, got {Threads}");
        return e;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every bad field.</summary>
    public void ThrowIfInvalid()
    {
        var e = Validate();
        if (e.Count > 0) throw new ArgumentException(string.Join("; ", e));
    }
}
