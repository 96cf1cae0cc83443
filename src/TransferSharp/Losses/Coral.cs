namespace TransferSharp.Losses;

/// <summary>
/// Deep CORAL (Sun &amp; Saenko, "Deep CORAL: Correlation Alignment for Deep Domain Adaptation", ECCV 2016
/// workshops): the distance between the second-order statistics of source and target features.
/// </summary>
/// <remarks>
/// L = ‖C_S − C_T‖²_F / (4d²), with C the unbiased covariance (1/(n−1)) (X − X̄)ᵀ(X − X̄) of features <c>(n, d)</c>.
/// Zero when the covariances are equal, whatever the means.
/// </remarks>
public static class Coral
{
    /// <summary>CORAL loss between source <c>(Ns, d)</c> and target <c>(Nt, d)</c> features; each needs 2 or more rows.</summary>
    public static Tensor Loss(Tensor source, Tensor target)
    {
        if (source.shape[0] < 2 || target.shape[0] < 2)
            throw new ArgumentException($"CORAL needs at least 2 examples per domain, got {source.shape[0]} and {target.shape[0]}");
        long d = source.shape[1];
        var diff = Covariance(source) - Covariance(target);                               // (d, d)
        return (diff * diff).sum() / (4.0 * d * d);
    }

    /// <summary>Unbiased covariance <c>(d, d)</c> of rows <c>(n, d)</c>.</summary>
    public static Tensor Covariance(Tensor x)
    {
        var centred = x - x.mean([0], keepdim: true);                                      // (n, d)
        return centred.t().matmul(centred) / (x.shape[0] - 1);
    }
}
