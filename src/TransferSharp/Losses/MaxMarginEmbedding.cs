namespace TransferSharp.Losses;

/// <summary>How the wrong classes enter the max-margin loss.</summary>
public enum MaxMarginKind
{
    /// <summary>
    /// Only the most violating wrong class: max(0, k − s_n + max_{m≠n} s_m). The structured hinge of SJE
    /// (Akata et al. 2015), the loss written in the lecture.
    /// </summary>
    Structured,
    /// <summary>Every wrong class: Σ_{m≠n} max(0, k − s_n + s_m). DeViSE's hinge rank loss (Frome et al. 2013).</summary>
    Sum,
    /// <summary>
    /// Every wrong class, weighted by the true class's rank (ALE's weighted approximate ranking, Akata et al. 2016):
    /// (β_r / r) Σ_{m≠n} max(0, k − s_n + s_m), where r is the number of violating classes and β_r = Σ_{i≤r} 1/i,
    /// so the loss grows with the rank of the true class rather than with the count of wrong ones.
    /// </summary>
    Ranking,
}

/// <summary>
/// The max-margin loss that trains an image network f and a class-description network g into one space, so that an
/// image scores higher with its own class than with any other by at least a margin k.
/// </summary>
/// <remarks>
/// With scores s_m = f(x)·g(y_m) for every candidate class m and true class n, the loss per example is
/// <c>max(0, k − f(x)·g(y_n) + max_{m≠n} f(x)·g(y_m))</c> (<see cref="MaxMarginKind.Structured"/>) or the DeViSE sum
/// over wrong classes (<see cref="MaxMarginKind.Sum"/>); the batch loss is the mean over examples. It is zero exactly
/// when the true class beats every wrong class by at least k.
/// </remarks>
public static class MaxMarginEmbedding
{
    /// <summary>Mean loss of <paramref name="scores"/> <c>(N, K)</c> against true classes <paramref name="targets"/> <c>(N)</c>.</summary>
    /// <param name="scores">Compatibilities f(x_i)·g(y_m), one row per example, one column per class (K ≥ 2).</param>
    /// <param name="targets">int64 class indices in 0..K−1.</param>
    /// <param name="margin">The margin k, positive.</param>
    /// <param name="kind">Which wrong classes count.</param>
    public static Tensor Loss(Tensor scores, Tensor targets, double margin, MaxMarginKind kind = MaxMarginKind.Structured)
    {
        if (scores.dim() != 2 || scores.shape[1] < 2)
            throw new ArgumentException($"scores must be (N, K) with K >= 2, got ({string.Join(", ", scores.shape)})");
        if (targets.dim() != 1 || targets.shape[0] != scores.shape[0])
            throw new ArgumentException($"targets must be ({scores.shape[0]}), got ({string.Join(", ", targets.shape)})");
        if (!(margin > 0)) throw new ArgumentOutOfRangeException(nameof(margin), margin, "the margin must be positive");
        var isTrue = functional.one_hot(targets, scores.shape[1]).to(ScalarType.Bool);   // (N, K)
        var correct = scores.gather(1, targets.unsqueeze(1));                               // (N, 1)
        var perExample = kind switch
        {
            MaxMarginKind.Structured =>
                (margin - correct.squeeze(1) + scores.masked_fill(isTrue, double.NegativeInfinity).amax([1])).clamp_min(0),
            MaxMarginKind.Sum =>
                (margin - correct + scores).clamp_min(0).masked_fill(isTrue, 0).sum(1),
            MaxMarginKind.Ranking => RankWeighted((margin - correct + scores).clamp_min(0).masked_fill(isTrue, 0)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return perExample.mean();
    }

    /// <summary>(β_r / r) Σ_m violations <c>(N, K)</c> per row, r = the row's count of positive violations: <c>(N)</c>.</summary>
    private static Tensor RankWeighted(Tensor violations)
    {
        long k = violations.shape[1];
        var harmonic = new float[k + 1];                                                    // β_r = Σ_{i≤r} 1/i, β_0 = 0
        for (int i = 1; i <= k; i++) harmonic[i] = harmonic[i - 1] + 1f / i;
        var r = violations.gt(0).sum(1);                                                    // (N) int64, no gradient
        var beta = tensor(harmonic, device: violations.device).index_select(0, r);          // (N)
        var weight = beta / r.clamp_min(1).to_type(violations.dtype);
        return weight * violations.sum(1);
    }
}
