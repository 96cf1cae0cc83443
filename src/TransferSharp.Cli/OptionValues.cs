using TransferSharp.Training;

namespace TransferSharp.Cli;

/// <summary>Parsing shared by the training commands: enum-valued options, <c>--optimizer</c>, <c>--schedule</c>, <c>--lr</c>.</summary>
internal static class OptionValues
{
    /// <summary>Case-insensitive enum value with dashes ignored (<c>inverse-decay</c> → InverseDecay); null when unknown.</summary>
    public static T? ParseEnum<T>(string s) where T : struct, Enum =>
        Enum.TryParse<T>(s.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var v) ? v : null;

    /// <summary>The one-line error for a bad <c>--optimizer</c> or <c>--schedule</c>; null when both parse.</summary>
    public static string? OptimizerError(string optimizer, string schedule, string schedules = "cosine, constant, step, inverse-decay")
    {
        if (ParseEnum<OptimizerKind>(optimizer) is null) return $"--optimizer '{optimizer}' is unknown (choose adam, adamw, sgd)";
        if (ParseEnum<ScheduleKind>(schedule) is null) return $"--schedule '{schedule}' is unknown (choose {schedules})";
        return null;
    }

    /// <summary>The <c>--optimizer</c> value (Adam when unknown; validation reports that case).</summary>
    public static OptimizerKind Optimizer(string s) => ParseEnum<OptimizerKind>(s) ?? OptimizerKind.Adam;

    /// <summary><c>--lr</c>, or the default: 0.01 for SGD, the trainer's own default for Adam and AdamW.</summary>
    public static double LearningRate(double? given, OptimizerKind optimizer, double adamDefault) =>
        given ?? (optimizer == OptimizerKind.Sgd ? 0.01 : adamDefault);
}
