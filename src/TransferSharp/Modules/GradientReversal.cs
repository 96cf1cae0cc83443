namespace TransferSharp.Modules;

/// <summary>
/// The gradient reversal layer of Ganin &amp; Lempitsky, "Unsupervised Domain Adaptation by Backpropagation" (ICML
/// 2015): the identity on the way forward, the upstream gradient times −λ on the way back.
/// </summary>
/// <remarks>
/// R(x) = x, dR/dx = −λI. Written as <c>x̄ + (x − x̄)·(−λ)</c> with x̄ = x detached: the second term is exactly zero in
/// value, so the forward is the identity bit for bit, and only it carries a gradient, −λ. Placed between the feature
/// extractor and the domain classifier, it lets one backward pass train the classifier to tell the domains apart
/// while pushing the features to make them indistinguishable. λ is a property so a trainer can schedule it.
/// </remarks>
public sealed class GradientReversal : Module<Tensor, Tensor>
{
    /// <summary>A reversal layer with coefficient <paramref name="lambda"/>.</summary>
    public GradientReversal(double lambda = 1.0) : base(nameof(GradientReversal)) => Lambda = lambda;

    /// <summary>The coefficient λ: the backward pass multiplies the gradient by −λ.</summary>
    public double Lambda { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Reverse(input, Lambda);

    /// <summary>Identity forward, gradient times −<paramref name="lambda"/> backward.</summary>
    public static Tensor Reverse(Tensor x, double lambda)
    {
        var frozen = x.detach();
        return frozen + (x - frozen) * (-lambda);
    }
}
