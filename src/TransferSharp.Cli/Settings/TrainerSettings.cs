using TransferSharp.Training;

namespace TransferSharp.Cli.Settings;

/// <summary>
/// The training options every trainer shares (<see cref="TrainerOptions"/>). Every one is nullable: a value not given
/// leaves the library's default for the command's options record, so the CLI restates no default.
/// </summary>
internal class TrainerSettings : RunFolderSettings
{
    /// <summary>The learning rate of SGD when <c>--lr</c> is not given (the library's defaults are tuned for Adam).</summary>
    public const double SgdLearningRate = 0.01;

    [CommandOption("-e|--epochs <N>")]
    [Description("Passes over the training data. Default: the command's.")]
    public int? Epochs { get; init; }

    [CommandOption("-b|--batch-size <N>")]
    [Description("Examples per step. Default: the command's.")]
    public int? BatchSize { get; init; }

    [CommandOption("--lr <RATE>")]
    [Description("Base learning rate. Default: the command's for adam and adamw, 0.01 for sgd.")]
    public double? LearningRate { get; init; }

    [CommandOption("--optimizer <NAME>")]
    [Description("adam, adamw or sgd. Default adam.")]
    public string? Optimizer { get; init; }

    [CommandOption("--momentum <M>")]
    [Description("SGD momentum. Default 0.9.")]
    public double? Momentum { get; init; }

    [CommandOption("--weight-decay <W>")]
    [Description("L2 weight decay (decoupled for AdamW). Default: the command's.")]
    public double? WeightDecay { get; init; }

    [CommandOption("--schedule <NAME>")]
    [Description("Learning-rate schedule: cosine, constant, step or inverse-decay. Default: the command's.")]
    public string? Schedule { get; init; }

    /// <summary>The command's library options record with its defaults, for the help; null keeps the generic text.</summary>
    protected virtual TrainerOptions? LibraryDefaults => null;

    public override string? HelpDefault(string property) => LibraryDefaults is not { } d ? base.HelpDefault(property) : property switch
    {
        nameof(Epochs) => $"{d.Epochs}",
        nameof(BatchSize) => $"{d.BatchSize}",
        nameof(LearningRate) => FormattableString.Invariant($"{d.LearningRate} with {OptionValues.Kebab(d.Optimizer.ToString())}, {SgdLearningRate} with sgd"),
        nameof(Optimizer) => OptionValues.Kebab(d.Optimizer.ToString()),
        nameof(Momentum) => FormattableString.Invariant($"{d.Momentum}"),
        nameof(WeightDecay) => FormattableString.Invariant($"{d.WeightDecay}"),
        nameof(Schedule) => OptionValues.Kebab(d.Schedule.ToString()),
        _ => base.HelpDefault(property),
    };

    public override ValidationResult Validate() => Then(base.Validate(), OptionValues.OptimizerError(Optimizer ?? "adam", Schedule ?? "cosine"));

    /// <summary>The optimiser given, if any (validation has rejected unknown names).</summary>
    public OptimizerKind? GivenOptimizer => Optimizer is null ? null : OptionValues.ParseEnum<OptimizerKind>(Optimizer);

    /// <summary>The schedule given, if any.</summary>
    public ScheduleKind? GivenSchedule => Schedule is null ? null : OptionValues.ParseEnum<ScheduleKind>(Schedule);

    /// <summary>The learning rate given, or <see cref="SgdLearningRate"/> when SGD is chosen without one; null = the library's.</summary>
    public double? LearningRateFor(OptimizerKind optimizer) =>
        LearningRate ?? (optimizer == OptimizerKind.Sgd ? SgdLearningRate : null);

    /// <summary>
    /// <paramref name="options"/> with the values given on the command line (and <c>--seed</c>, <c>--threads</c>, <c>--device</c>);
    /// everything else keeps the record's own default.
    /// </summary>
    public T ApplyTo<T>(T options) where T : TrainerOptions
    {
        TrainerOptions o = options;   // `with` on the base record clones the derived one (a virtual <Clone>$).
        if (Epochs is { } epochs) o = o with { Epochs = epochs };
        if (BatchSize is { } batch) o = o with { BatchSize = batch };
        if (GivenOptimizer is { } optimizer) o = o with { Optimizer = optimizer };
        if (LearningRateFor(o.Optimizer) is { } lr) o = o with { LearningRate = lr };
        if (Momentum is { } momentum) o = o with { Momentum = momentum };
        if (WeightDecay is { } decay) o = o with { WeightDecay = decay };
        if (GivenSchedule is { } schedule) o = o with { Schedule = schedule };
        if (WasGiven(nameof(Seed))) o = o with { Seed = Seed };
        if (WasGiven(nameof(Threads))) o = o with { Threads = Threads };
        if (Device is { } device) o = o with { Device = device };
        return (T)o;
    }
}
