using System.Text.Json.Serialization;
using TransferSharp.Training;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// One step's data: a labelled batch (the source's; the target's for the trained-on-target baseline) and, for methods
/// with <see cref="IAdaptationMethod.UsesTargetInputs"/>, an unlabelled target batch of the same size.
/// </summary>
/// <param name="Inputs">Labelled inputs <c>(B, ...)</c>.</param>
/// <param name="Labels">Their labels <c>(B)</c>.</param>
/// <param name="TargetInputs">Unlabelled target inputs <c>(B, ...)</c>; null for methods that do not use the target.</param>
public readonly record struct AdaptationBatch(Tensor Inputs, Tensor Labels, Tensor? TargetInputs);

/// <summary>
/// A domain-adaptation method: what it is called, what data it reads, its settings and how it trains one batch. Each
/// method is one file in <c>DomainAdaptation/Methods/</c>, listed once in <see cref="AdaptationMethods.All"/>;
/// <see cref="DomainAdaptationTrainer"/> runs any of them.
/// </summary>
public interface IAdaptationMethod
{
    /// <summary>The name the CLI takes (<c>--method dann</c>) and metrics.json records.</summary>
    string Name { get; }

    /// <summary>One line for the help text.</summary>
    string Description { get; }

    /// <summary>True when every step also draws an unlabelled target batch (the aligning methods).</summary>
    bool UsesTargetInputs { get; }

    /// <summary>True when the method reads the unlabelled target at all, in its steps (<see cref="UsesTargetInputs"/>)
    /// or before target inference (AdaBN's target statistics): an adaptation, compared with the source-only baseline.
    /// False for the baselines.</summary>
    bool AdaptsToTarget { get; }

    /// <summary>True when the method trains on target labels (only the trained-on-target upper bound).</summary>
    bool UsesTargetLabels { get; }

    /// <summary>True when the method trains on source labels.</summary>
    bool UsesSourceLabels { get; }

    /// <summary>The method's settings at their defaults; <c>with</c> changes them.</summary>
    AdaptationMethodOptions DefaultOptions { get; }

    /// <summary>
    /// The method's training step on <paramref name="network"/>, built with <paramref name="options"/> (which must be
    /// this method's). Any module the method adds (a discriminator, a second head) is created here, after the network,
    /// and disposed with the step when the step is <see cref="IDisposable"/>.
    /// </summary>
    ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, AdaptationMethodOptions options);
}

/// <summary>
/// A method's own settings. The record also says which method it configures (<see cref="Method"/>), so that
/// <see cref="AdaptationOptions.Method"/> = <c>new Dann.Options { … }</c> both chooses the method and sets it up.
/// </summary>
public abstract record AdaptationMethodOptions
{
    /// <summary>Settings of <paramref name="method"/>.</summary>
    protected AdaptationMethodOptions(IAdaptationMethod method) => Method = method;

    /// <summary>The method these settings belong to.</summary>
    [JsonIgnore]
    public IAdaptationMethod Method { get; }

    /// <summary>The method's name (<see cref="IAdaptationMethod.Name"/>), serialised first.</summary>
    [JsonPropertyOrder(-1)]
    public string Name => Method.Name;

    /// <summary>
    /// The method's scheduled coefficient at progress <paramref name="p"/> (DANN/CDAN: the gradient reversal
    /// coefficient; MMD/CORAL: the alignment loss weight); NaN for methods without one. Logged per epoch.
    /// </summary>
    public virtual double CoefficientAt(double p) => double.NaN;

    /// <summary>Names every bad field (property names of this record); empty when usable.</summary>
    public virtual IReadOnlyList<OptionError> Validate() => [];
}

/// <summary>Base of a method: checks that it is handed its own options type.</summary>
/// <typeparam name="TOptions">The method's options record.</typeparam>
public abstract class AdaptationMethod<TOptions> : IAdaptationMethod where TOptions : AdaptationMethodOptions, new()
{
    /// <inheritdoc />
    public abstract string Name { get; }
    /// <inheritdoc />
    public abstract string Description { get; }
    /// <inheritdoc />
    public abstract bool UsesTargetInputs { get; }
    /// <inheritdoc />
    public virtual bool AdaptsToTarget => UsesTargetInputs;
    /// <inheritdoc />
    public virtual bool UsesTargetLabels => false;
    /// <inheritdoc />
    public virtual bool UsesSourceLabels => true;
    /// <inheritdoc />
    public AdaptationMethodOptions DefaultOptions => new TOptions();

    /// <inheritdoc />
    public ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, AdaptationMethodOptions options) =>
        options is TOptions own && ReferenceEquals(own.Method, this)
            ? CreateStep(network, own)
            : throw new ArgumentException($"method {Name} was given the options of {options.Method.Name}", nameof(options));

    /// <summary>The step, with the options already typed.</summary>
    protected abstract ITrainingStep<AdaptationBatch> CreateStep(AdaptationNetwork network, TOptions options);

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}

/// <summary>How a method's coefficient moves with training progress p.</summary>
public enum AdaptationSchedule
{
    /// <summary>Ganin &amp; Lempitsky's 2/(1 + exp(−γp)) − 1 times the coefficient's cap: 0 at the start, near the cap at the end.</summary>
    Ganin,
    /// <summary>The cap throughout.</summary>
    Constant,
}

/// <summary>The shared ramp of the coefficients: cap · shape(p).</summary>
public static class AdaptationRamp
{
    /// <summary><paramref name="cap"/> times the schedule's shape at progress <paramref name="p"/>.</summary>
    public static double At(AdaptationSchedule schedule, double cap, double gamma, double p) =>
        cap * (schedule == AdaptationSchedule.Constant ? 1 : Schedules.AdaptationWeight(p, gamma));

    /// <summary>
    /// As <see cref="At(AdaptationSchedule, double, double, double)"/> after a warm-up: 0 while
    /// <paramref name="p"/> &lt; <paramref name="warmup"/>, then the schedule run over the remaining progress,
    /// p' = (p − warmup)/(1 − warmup), so it starts from its own beginning (0 for Ganin's) when the warm-up ends.
    /// </summary>
    public static double At(AdaptationSchedule schedule, double cap, double gamma, double p, double warmup) =>
        warmup <= 0 ? At(schedule, cap, gamma, p)
        : p < warmup ? 0
        : At(schedule, cap, gamma, (p - warmup) / (1 - warmup));

    /// <summary>The check of a warm-up fraction: in [0, 1).</summary>
    internal static OptionError? CheckWarmup(double warmup) =>
        warmup is >= 0 and < 1 ? null : new(nameof(AdversarialOptions.WarmupFraction), $"warmup fraction must be in [0, 1), got {warmup}");
}
