namespace TransferSharp.Training;

/// <summary>
/// The settings every trainer shares, declared once: epochs, batch size, optimiser, learning-rate schedule, seed,
/// threads, device. Each family's options record derives from it (so <c>options.Epochs</c> and <c>options with { Seed = 2 }</c>
/// work on all of them) and sets its own defaults in its constructor; the training loop reads only these.
/// </summary>
public abstract record TrainerOptions
{
    /// <summary>Passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Examples per step. Default 32 (families may set another).</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Base learning rate. Default 3e-3 (families may set another).</summary>
    public double LearningRate { get; init; } = 3e-3;
    /// <summary>Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>SGD momentum. Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>L2 weight decay (decoupled for AdamW). Default 0.</summary>
    public double WeightDecay { get; init; }
    /// <summary>Learning-rate schedule over training progress. Default cosine decay (families may set another).</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    /// <summary>Seeds initialisation and shuffles. Default 0.</summary>
    public int Seed { get; init; }
    /// <summary>CPU threads; 0 = all cores.</summary>
    public int Threads { get; init; }
    /// <summary>
    /// Where the model trains: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (the default: CUDA when TorchSharp
    /// reports it, else the CPU), resolved by <see cref="DeviceChoice.Resolve"/>. The trainer moves the model there and
    /// each batch as it is used; data sets stay on the CPU. CUDA needs TorchSharp's CUDA package (see
    /// <see cref="DeviceChoice"/>).
    /// </summary>
    public string Device { get; init; } = "auto";

    /// <summary>The TorchSharp device <see cref="Device"/> names; throws <see cref="ArgumentException"/> as
    /// <see cref="DeviceChoice.Resolve"/> does.</summary>
    public TorchSharp.torch.Device ResolveDevice() => DeviceChoice.Resolve(Device);

    /// <summary>Names every bad field; empty when usable. Derived records add their own fields' errors.</summary>
    public virtual IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        if (Epochs < 1) e.Add(new(nameof(Epochs), $"epochs must be at least 1, got {Epochs}"));
        if (BatchSize < 1) e.Add(new(nameof(BatchSize), $"batch size must be at least 1, got {BatchSize}"));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            e.Add(new(nameof(LearningRate), $"learning rate must be positive, got {LearningRate}"));
        if (!Enum.IsDefined(Optimizer)) e.Add(new(nameof(Optimizer), $"optimizer {Optimizer} is unknown"));
        if (Momentum is < 0 or >= 1 || double.IsNaN(Momentum)) e.Add(new(nameof(Momentum), $"momentum must be in [0, 1), got {Momentum}"));
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) e.Add(new(nameof(WeightDecay), $"weight decay must be non-negative, got {WeightDecay}"));
        if (!Enum.IsDefined(Schedule)) e.Add(new(nameof(Schedule), $"schedule {Schedule} is unknown"));
        if (Threads < 0) e.Add(new(nameof(Threads), $"threads must be non-negative, got {Threads}"));
        if (Device is null) e.Add(new(nameof(Device), $"device must be one of {DeviceChoice.Forms}, got none"));
        else
        {
            try { DeviceChoice.Resolve(Device); }
            catch (ArgumentException x) { e.Add(new(nameof(Device), x.Message)); }
        }
        if (!validatingWhole)
        {
            // The non-finite fields no check of the whole record (derived records', nested methods') reports: the
            // virtual Validate is run once more, with this step off, to learn what they report.
            IReadOnlyList<OptionError> whole;
            validatingWhole = true;
            try { whole = Validate(); }
            finally { validatingWhole = false; }
            e.AddRange(NonFiniteFields(this, "", whole.Select(x => x.Field).ToHashSet(), depth: 0));
        }
        return e;
    }

    [ThreadStatic] private static bool validatingWhole;

    /// <summary>
    /// Every floating-point field (of this record and of the option records nested in it, e.g. a method's) holding
    /// NaN or an infinity, unless <paramref name="reported"/> already has an error for it: range checks written as
    /// <c>x &lt; 0</c> let NaN through, and a NaN weight decay or coefficient trains a model of NaN.
    /// </summary>
    private static IEnumerable<OptionError> NonFiniteFields(object options, string prefix, HashSet<string> reported, int depth)
    {
        foreach (var p in options.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0) continue;
            string field = prefix + p.Name;
            var value = p.GetValue(options);
            if (value is double or float && !double.IsFinite(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)))
            {
                if (!reported.Contains(field))
                    yield return new(field, FormattableString.Invariant($"{Words(p.Name)} must be a finite number, got {value}"));
            }
            else if (depth < 2 && value is not null && value.GetType() is { IsClass: true } t && t.Assembly == typeof(TrainerOptions).Assembly
                     && t.Name.EndsWith("Options", StringComparison.Ordinal))
                foreach (var inner in NonFiniteFields(value, field + ".", reported, depth + 1)) yield return inner;
        }
    }

    /// <summary><c>WeightDecay</c> → <c>weight decay</c>, as the other messages name fields.</summary>
    private static string Words(string name) => string.Concat(name.Select((ch, i) =>
        char.IsUpper(ch) && i > 0 && !char.IsUpper(name[i - 1]) ? " " + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming every bad field.</summary>
    public void ThrowIfInvalid() => InvalidOptionsException.ThrowIfAny(Validate());
}
