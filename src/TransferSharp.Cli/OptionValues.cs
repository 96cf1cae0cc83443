using TransferSharp.Training;

namespace TransferSharp.Cli;

/// <summary>Parsing shared by the training commands: enum-valued options, <c>--optimizer</c>, <c>--schedule</c>, <c>--lr</c>.</summary>
internal static class OptionValues
{
    /// <summary>
    /// The enum value whose name is <paramref name="s"/>, case-insensitive, written as the name (<c>InverseDecay</c>,
    /// <c>inversedecay</c>) or in kebab case (<c>inverse-decay</c>); null when unknown.
    /// </summary>
    /// <remarks>Only defined names: unlike <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>, numbers
    /// (<c>7</c>, <c>1</c>), comma lists (<c>sgd,adam</c>) and padding are rejected, so a typo never becomes a value.</remarks>
    public static T? ParseEnum<T>(string s) where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            var name = value.ToString();
            if (string.Equals(s, name, StringComparison.OrdinalIgnoreCase) || string.Equals(s, Kebab(name), StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return null;
    }

    /// <summary><c>InverseDecay</c> → <c>inverse-decay</c>.</summary>
    internal static string Kebab(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) && i > 0 ? $"-{char.ToLowerInvariant(ch)}" : char.ToLowerInvariant(ch).ToString()));

    /// <summary>The one-line error for a bad <c>--optimizer</c> or <c>--schedule</c>; null when both parse.</summary>
    public static string? OptimizerError(string optimizer, string schedule, string schedules = "cosine, constant, step, inverse-decay")
    {
        if (ParseEnum<OptimizerKind>(optimizer) is null) return $"--optimizer '{optimizer}' is unknown (choose adam, adamw, sgd)";
        if (ParseEnum<ScheduleKind>(schedule) is null) return $"--schedule '{schedule}' is unknown (choose {schedules})";
        return null;
    }
}
