namespace TransferSharp.Training;

/// <summary>Learning-rate schedules.</summary>
public enum ScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant,
    /// <summary>Cosine decay from the base rate to zero.</summary>
    Cosine,
    /// <summary>×0.1 at half and again at three quarters of training.</summary>
    Step,
    /// <summary>Ganin &amp; Lempitsky's μ0 / (1 + 10p)^0.75.</summary>
    InverseDecay,
}

/// <summary>Schedules as pure functions of training progress p in [0, 1].</summary>
public static class Schedules
{
    /// <summary>Multiplier of the base learning rate at progress <paramref name="p"/>.</summary>
    public static double LearningRateFactor(ScheduleKind kind, double p)
    {
        p = Math.Clamp(p, 0, 1);
        return kind switch
        {
            ScheduleKind.Constant => 1,
            ScheduleKind.Cosine => 0.5 * (1 + Math.Cos(Math.PI * p)),
            ScheduleKind.Step => p < 0.5 ? 1 : p < 0.75 ? 0.1 : 0.01,
            ScheduleKind.InverseDecay => Math.Pow(1 + 10 * p, -0.75),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>Ganin &amp; Lempitsky's adaptation weight λ = 2 / (1 + exp(−γp)) − 1, rising from 0 to about 1.</summary>
    public static double AdaptationWeight(double p, double gamma = 10) => 2 / (1 + Math.Exp(-gamma * Math.Clamp(p, 0, 1))) - 1;
}
