namespace TransferSharp.Losses;

/// <summary>
/// The L2-SP penalty (Li, Grandvalet &amp; Davoine 2018, "Explicit inductive bias for transfer learning with
/// convolutional networks"): fine-tuned weights are pulled towards their starting point, the source's weights, instead
/// of towards zero; weights with no source counterpart get ordinary weight decay.
/// </summary>
/// <remarks>
/// Ω(w) = α · Σ_copied ||w − w⁰||² + β · Σ_new ||w||², where w⁰ is the source's value. The starting weights are
/// cloned and detached when the penalty is built, so they stay fixed however the model trains. Disposing the
/// penalty frees them.
/// </remarks>
public sealed class StartingPointPenalty : IDisposable
{
    private readonly (Tensor Weight, Tensor Start)[] anchored;
    private readonly Tensor[] fresh;
    private readonly Device device;

    /// <summary>
    /// Builds the penalty. <paramref name="anchored"/> are the weights to keep near their current values (copied from
    /// the source); <paramref name="fresh"/> are the newly initialised ones.
    /// </summary>
    public StartingPointPenalty(IEnumerable<Tensor> anchored, IEnumerable<Tensor> fresh, double alpha, double beta)
    {
        if (alpha < 0 || !double.IsFinite(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "L2-SP alpha must be finite and non-negative");
        if (beta < 0 || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "L2-SP beta must be finite and non-negative");
        Alpha = alpha;
        Beta = beta;
        using (no_grad())
            this.anchored = anchored.Select(w => (w, w.detach().clone().DetachFromDisposeScope())).ToArray();
        this.fresh = fresh.ToArray();
        // The weights' device: the penalty is added to a loss computed there.
        device = this.anchored.Select(a => a.Weight.device).Concat(this.fresh.Select(w => w.device)).FirstOrDefault() ?? CPU;
    }

    /// <summary>Weight of the pull towards the starting point.</summary>
    public double Alpha { get; }
    /// <summary>Weight of the decay of the new weights.</summary>
    public double Beta { get; }

    /// <summary>The penalty as a scalar tensor that carries gradients into the weights.</summary>
    public Tensor Compute()
    {
        var total = zeros(1, device: device).squeeze();
        if (Alpha > 0)
            foreach (var (w, w0) in anchored)
                total = total + (w - w0).square().sum() * Alpha;
        if (Beta > 0)
            foreach (var w in fresh)
                total = total + w.square().sum() * Beta;
        return total;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, start) in anchored) start.Dispose();
    }
}
