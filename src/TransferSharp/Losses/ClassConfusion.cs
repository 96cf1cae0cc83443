namespace TransferSharp.Losses;

/// <summary>
/// The minimum class confusion loss of MCC (Jin et al., "Minimum Class Confusion for Versatile Domain Adaptation",
/// ECCV 2020), as TLlib's <c>MinimumClassConfusionLoss</c>: with p = softmax(logits / T) <c>(N, K)</c> and per-example
/// weights w_i ∝ 1 + exp(−H(p_i)) (confident examples count more; scaled to sum to N, no gradient through them), the
/// class confusion C = pᵀ diag(w) p <c>(K, K)</c> is row-normalised and the loss is the off-diagonal mass / K.
/// </summary>
/// <remarks>
/// 0 when every example puts all its mass on one class; at most (K − 1)/K (every prediction uniform). C is symmetric,
/// so TLlib's division by the column sums (a broadcast) gives the same value as the paper's row normalisation.
/// </remarks>
public static class ClassConfusion
{
    /// <summary>TLlib's and the paper's temperature for digits and Office: 2.5.</summary>
    public const double DefaultTemperature = 2.5;

    /// <summary>The MCC loss of target logits <c>(N, K)</c> at <paramref name="temperature"/>.</summary>
    public static Tensor Loss(Tensor logits, double temperature = DefaultTemperature)
    {
        long n = logits.shape[0], k = logits.shape[1];
        var p = functional.softmax(logits / temperature, 1);                              // (N, K)
        Tensor w;
        using (no_grad())
        {
            var h = -(p * (p + 1e-5).log()).sum(1);                                       // (N) entropy, TLlib's eps
            w = 1 + (-h).exp();
            w = (n * w / w.sum()).unsqueeze(1);                                           // (N, 1), sums to N
        }
        var confusion = (p * w).t().matmul(p);                                            // (K, K)
        confusion = confusion / confusion.sum(1, keepdim: true);                          // rows sum to 1
        return (confusion.sum() - confusion.trace()) / k;
    }
}
