using TransferSharp.Data;
using TransferSharp.Training;

namespace TransferSharp.MultiTask;

/// <summary>
/// One task of a multitask run: its name (the name of its head), labelled training data and optional validation
/// data, evaluated separately every epoch. Tasks may share inputs (several label sets over the same images) or bring
/// their own; a shared trunk needs every task's examples to have the same shape.
/// </summary>
/// <param name="Name">Head name: letters, digits, '-' and '_' (it is part of the state-dict keys).</param>
/// <param name="Train">Labelled training examples.</param>
/// <param name="Validation">Labelled examples evaluated after every epoch; null = none.</param>
public sealed record TaskSpec(string Name, Dataset Train, Dataset? Validation = null)
{
    /// <summary>Fixed loss weight w_t (used with <see cref="LossWeighting.Fixed"/>). Default 1.</summary>
    public double LossWeight { get; init; } = 1;
    /// <summary>Sampling weight (used with <see cref="TaskSampling.Weighted"/>). Default 1.</summary>
    public double SamplingWeight { get; init; } = 1;

    /// <summary>True when <paramref name="name"/> can name a head.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Names every problem with this task; empty when usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var e = new List<OptionError>();
        string n = Name ?? "";
        if (!IsValidName(Name)) e.Add(new(nameof(Name), $"task name '{n}' must be non-empty letters, digits, '-' or '_'"));
        if (Train is null) e.Add(new(nameof(Train), $"task '{n}': no training data"));
        else
        {
            if (!Train.HasLabels) e.Add(new(nameof(Train), $"task '{n}': training set '{Train.Name}' has no labels"));
            if (Train.Count == 0) e.Add(new(nameof(Train), $"task '{n}': training set '{Train.Name}' is empty"));
        }
        if (Validation is { HasLabels: false }) e.Add(new(nameof(Validation), $"task '{n}': validation set '{Validation.Name}' has no labels"));
        if (Validation is not null && Train is not null && !Validation.ExampleShape.SequenceEqual(Train.ExampleShape))
            e.Add(new(nameof(Validation), $"task '{n}': validation examples are {Shape(Validation)} but training examples are {Shape(Train)}"));
        if (Validation is { HasLabels: true } && Train is { HasLabels: true } && Validation.ClassCount != Train.ClassCount)
            e.Add(new(nameof(Validation), $"task '{n}': validation has {Validation.ClassCount} classes, training has {Train.ClassCount}"));
        if (!(LossWeight >= 0) || double.IsInfinity(LossWeight)) e.Add(new(nameof(LossWeight), $"task '{n}': loss weight must be finite and non-negative, got {LossWeight}"));
        if (!(SamplingWeight >= 0) || double.IsInfinity(SamplingWeight)) e.Add(new(nameof(SamplingWeight), $"task '{n}': sampling weight must be finite and non-negative, got {SamplingWeight}"));
        return e;
    }

    internal static string Shape(Dataset d) => string.Join('x', d.ExampleShape);
}
