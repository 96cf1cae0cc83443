namespace TransferSharp.Losses;

/// <summary>
/// The domain-classification loss of DANN (Ganin &amp; Lempitsky 2015) and its conditioned variant (CDAN, Long et al.
/// 2018).
/// </summary>
/// <remarks>
/// L_d = −(1/(n_s+n_t)) [Σ_source log σ(d(f)) + Σ_target log(1 − σ(d(f)))]: binary cross-entropy with source = 1 and
/// target = 0. A classifier at chance (every logit 0) scores ln 2. The feature extractor sees this loss through a
/// gradient reversal layer, so minimising the total loss maximises L_d with respect to the features.
/// </remarks>
public static class DomainAdversarial
{
    /// <summary>Binary cross-entropy of source logits <c>(Ns, 1)</c> against 1 and target logits <c>(Nt, 1)</c> against 0.</summary>
    public static Tensor Loss(Tensor sourceLogits, Tensor targetLogits)
    {
        var logits = cat([sourceLogits.reshape(-1), targetLogits.reshape(-1)], 0);       // (Ns + Nt)
        var labels = cat([ones_like(sourceLogits.reshape(-1)), zeros_like(targetLogits.reshape(-1))], 0);
        return functional.binary_cross_entropy_with_logits(logits, labels);
    }

    /// <summary>Fraction of examples the domain classifier assigns to the right domain (logit &gt; 0 = source).</summary>
    public static double Accuracy(Tensor sourceLogits, Tensor targetLogits)
    {
        using var scope = NewDisposeScope();
        long right = sourceLogits.gt(0).sum().item<long>() + targetLogits.le(0).sum().item<long>();
        return right / (double)(sourceLogits.shape[0] + targetLogits.shape[0]);
    }

    /// <summary>
    /// CDAN's multilinear conditioning: the outer product of features <c>(N, F)</c> and class probabilities
    /// <c>(N, K)</c>, flattened to <c>(N, F·K)</c>, so the discriminator aligns class-conditional distributions. The
    /// probabilities are detached, as in CDAN: the adversarial gradient reaches the classifier through the features.
    /// </summary>
    public static Tensor ConditionOnPredictions(Tensor features, Tensor probabilities)
    {
        var outer = probabilities.detach().unsqueeze(2) * features.unsqueeze(1);          // (N, K, F)
        return outer.flatten(1);                                                           // (N, K·F)
    }
}
