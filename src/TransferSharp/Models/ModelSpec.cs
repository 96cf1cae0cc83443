using TransferSharp.Training;

namespace TransferSharp.Models;

/// <summary>What is needed to rebuild a model: its architecture, the shape of one input and the class count.</summary>
/// <param name="Architecture">One of <see cref="ModelZoo.Architectures"/>.</param>
/// <param name="InputShape"><c>[C, H, W]</c> for images, <c>[D]</c> for features.</param>
/// <param name="ClassCount">Outputs of the head.</param>
public sealed record ModelSpec(string Architecture, long[] InputShape, int ClassCount)
{
    /// <summary>Names every bad field; empty when the spec is usable.</summary>
    public IReadOnlyList<OptionError> Validate()
    {
        var errors = new List<OptionError>();
        if (!ModelZoo.Architectures.Contains(Architecture))
            errors.Add(new(nameof(Architecture), $"model '{Architecture}' is unknown (choose {string.Join(", ", ModelZoo.Architectures)})"));
        if (InputShape.Length is not (1 or 3) || InputShape.Any(d => d <= 0))
            errors.Add(new(nameof(InputShape), $"input shape [{string.Join(", ", InputShape)}] must be [C, H, W] or [D] with positive sizes"));
        if (ClassCount < 2) errors.Add(new(nameof(ClassCount), $"class count must be at least 2, got {ClassCount}"));
        return errors;
    }

    /// <inheritdoc />
    public bool Equals(ModelSpec? other) =>
        other is not null && Architecture == other.Architecture && ClassCount == other.ClassCount && InputShape.SequenceEqual(other.InputShape);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Architecture, ClassCount, InputShape.Length);
}
