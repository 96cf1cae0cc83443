namespace TransferSharp.Losses;

/// <summary>
/// Knowledge-distillation loss between softened outputs (Hinton, Vinyals &amp; Dean 2015), as Learning without
/// Forgetting (Li &amp; Hoiem 2016) uses it to keep a fine-tuned network's answers on the old task close to the
/// original network's.
/// </summary>
/// <remarks>
/// L = T² · mean over the batch of KL(p_T(teacher) || p_T(student)), with p_T(z) = softmax(z / T). The T² factor keeps
/// the gradient's size comparable across temperatures. Zero exactly when the two logit vectors give the same
/// softened distribution.
/// </remarks>
public static class Distillation
{
    /// <summary>
    /// The loss for student logits <c>(N, K)</c> against teacher logits <c>(N, K)</c> at temperature
    /// <paramref name="temperature"/>; the teacher gets no gradient.
    /// </summary>
    public static Tensor Loss(Tensor studentLogits, Tensor teacherLogits, double temperature = 2.0)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive");
        if (!studentLogits.shape.SequenceEqual(teacherLogits.shape))
            throw new ArgumentException($"student logits ({string.Join(", ", studentLogits.shape)}) and teacher logits ({string.Join(", ", teacherLogits.shape)}) differ in shape");
        var logQ = functional.log_softmax(studentLogits / temperature, 1);            // (N, K)
        var logP = functional.log_softmax(teacherLogits.detach() / temperature, 1);   // (N, K)
        var kl = (logP.exp() * (logP - logQ)).sum(1);                                  // (N)
        return kl.mean() * (temperature * temperature);
    }
}
