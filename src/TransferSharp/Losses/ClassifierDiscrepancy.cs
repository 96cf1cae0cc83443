namespace TransferSharp.Losses;

/// <summary>
/// The discrepancy between two classifiers of MCD (Saito et al., "Maximum Classifier Discrepancy for Unsupervised
/// Domain Adaptation", CVPR 2018): d = mean over examples and classes of |p1 − p2|, p = softmax of each head's logits.
/// </summary>
/// <remarks>0 when the heads agree on every example; at most 2/K (one-hot predictions of different classes).</remarks>
public static class ClassifierDiscrepancy
{
    /// <summary>Mean absolute difference of the softmax of logits <c>(N, K)</c> and <c>(N, K)</c>.</summary>
    public static Tensor Loss(Tensor logits1, Tensor logits2) =>
        (functional.softmax(logits1, 1) - functional.softmax(logits2, 1)).abs().mean();
}
