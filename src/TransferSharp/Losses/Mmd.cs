namespace TransferSharp.Losses;

/// <summary>
/// Multi-kernel maximum mean discrepancy, as in DAN (Long et al., "Learning Transferable Features with Deep
/// Adaptation Networks", ICML 2015).
/// </summary>
/// <remarks>
/// MMD²(S, T) = mean k(s, s′) + mean k(t, t′) − 2 mean k(s, t), the biased (V-statistic) estimate, with k a sum of
/// Gaussian kernels k(a, b) = Σ_m exp(−‖a − b‖² / (σ² m)) over bandwidth multipliers m. σ² is the mean squared
/// distance between all pairs of the pooled sample (the "median heuristic" in its mean form), detached so that the
/// features cannot shrink the loss by inflating the bandwidth. The estimate is 0 for identical samples and grows
/// as the two distributions move apart.
/// </remarks>
public static class Mmd
{
    /// <summary>DAN's five bandwidths: σ² times 2^−2 … 2^2.</summary>
    public static readonly IReadOnlyList<double> DefaultMultipliers = [0.25, 0.5, 1, 2, 4];

    /// <summary>MMD² between source <c>(Ns, F)</c> and target <c>(Nt, F)</c> features (sizes may differ).</summary>
    public static Tensor Loss(Tensor source, Tensor target, IReadOnlyList<double>? multipliers = null)
    {
        multipliers ??= DefaultMultipliers;
        long ns = source.shape[0], nt = target.shape[0];
        var all = cat([source, target], 0);                                                // (Ns + Nt, F)
        var sq = (all * all).sum(1, keepdim: true);                                        // (N, 1)
        var d2 = (sq + sq.t() - 2 * all.matmul(all.t())).clamp_min(0);                     // (N, N) squared distances
        long n = ns + nt;
        var bandwidth = (d2.detach().sum() / (n * n - n)).clamp_min(1e-8);
        Tensor? k = null;
        foreach (var m in multipliers)
        {
            var term = (-d2 / (bandwidth * m)).exp();
            k = k is null ? term : k + term;
        }
        var kss = k!.narrow(0, 0, ns).narrow(1, 0, ns).mean();
        var ktt = k.narrow(0, ns, nt).narrow(1, ns, nt).mean();
        var kst = k.narrow(0, 0, ns).narrow(1, ns, nt).mean();
        return kss + ktt - 2 * kst;
    }
}
