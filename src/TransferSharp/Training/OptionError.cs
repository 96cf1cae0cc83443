namespace TransferSharp.Training;

/// <summary>
/// One bad setting: <see cref="Field"/> is the options property it concerns (e.g. <c>"MaxLambda"</c>, or
/// <c>"Training.Epochs"</c> for a nested record), so a front end can name its own option without matching words.
/// </summary>
public sealed record OptionError(string Field, string Message)
{
    /// <summary>The message alone.</summary>
    public override string ToString() => Message;
}

/// <summary>Options that failed validation; <see cref="Errors"/> names every bad field.</summary>
public sealed class InvalidOptionsException : ArgumentException
{
    /// <summary>Creates the exception; the message joins the errors with "; ".</summary>
    public InvalidOptionsException(IReadOnlyList<OptionError> errors)
        : base(string.Join("; ", errors.Select(e => e.Message))) => Errors = errors;

    /// <summary>Every bad field, in the order found.</summary>
    public IReadOnlyList<OptionError> Errors { get; }

    /// <summary>Throws when <paramref name="errors"/> is not empty.</summary>
    public static void ThrowIfAny(IReadOnlyList<OptionError> errors)
    {
        if (errors.Count > 0) throw new InvalidOptionsException(errors);
    }

    /// <summary>The same errors with <paramref name="prefix"/> and a dot before each field (for nested records).</summary>
    public static IEnumerable<OptionError> Nest(string prefix, IEnumerable<OptionError> errors) =>
        errors.Select(e => e with { Field = prefix + "." + e.Field });
}
