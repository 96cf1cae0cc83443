namespace TransferSharp.Losses;

/// <summary>
/// Mean prediction entropy H = −(1/N) Σ_i Σ_k p_ik log p_ik of logits <c>(N, K)</c>. Minimised on unlabelled target
/// data (Grandvalet &amp; Bengio 2005; used with DANN/CDAN in later work) it pushes target examples away from the
/// decision boundaries.
/// </summary>
public static class Entropy
{
    /// <summary>Mean entropy of the softmax of <paramref name="logits"/>, in nats.</summary>
    public static Tensor Mean(Tensor logits)
    {
        var logp = functional.log_softmax(logits, 1);                                      // (N, K)
        return -(logp.exp() * logp).sum(1).mean();
    }
}
