namespace TransferSharp.Evaluation;

/// <summary>
/// Principal component analysis: projects <c>(N, D)</c> data on the top k right singular vectors of the centred
/// training data (computed with <c>torch.linalg.svd</c>).
/// </summary>
/// <remarks>
/// With X − μ = U S Vᵀ, the components are the first k rows of Vᵀ and z = (x − μ) V_k. The explained variance of
/// component i is s_i² / (N − 1). Images are flattened first.
/// </remarks>
public sealed class Pca : IDisposable
{
    private readonly Tensor mean;         // (D)
    private readonly Tensor components;   // (k, D)

    private Pca(Tensor mean, Tensor components, double[] explainedVarianceRatio)
    {
        this.mean = mean.DetachFromDisposeScope();
        this.components = components.DetachFromDisposeScope();
        ExplainedVarianceRatio = explainedVarianceRatio;
    }

    /// <summary>Number of components kept.</summary>
    public int Components => (int)components.shape[0];
    /// <summary>Fraction of the total variance each kept component explains, largest first.</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio { get; }

    /// <summary>Fits <paramref name="components"/> components to <paramref name="x"/> <c>(N, D)</c> or <c>(N, C, H, W)</c>.</summary>
    /// <exception cref="ArgumentException">Fewer than two examples, or more components than min(N, D).</exception>
    public static Pca Fit(Tensor x, int components)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var flat = x.flatten(1).to_type(ScalarType.Float32);                   // (N, D)
        long n = flat.shape[0], d = flat.shape[1];
        if (n < 2) throw new ArgumentException($"PCA needs at least 2 examples, got {n}");
        if (components < 1 || components > Math.Min(n, d))
            throw new ArgumentException($"PCA components must be in 1..{Math.Min(n, d)} (min of examples and dimensions), got {components}");
        var mu = flat.mean([0]);
        var (_, s, vh) = linalg.svd(flat - mu, fullMatrices: false);            // s (min(N,D)), vh (min(N,D), D)
        var variance = s.square().to_type(ScalarType.Float64);
        var ratio = Training.Devices.ToArrayOnCpu<double>(variance[..components] / variance.sum());
        return new Pca(mu, vh[..components].contiguous(), ratio);
    }

    /// <summary>Fits <paramref name="components"/> components to the inputs of <paramref name="data"/> (labels ignored).</summary>
    public static Pca Fit(Data.Dataset data, int components)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Inputs, components);
    }

    /// <summary>Projections <c>(N, k)</c> of <paramref name="x"/> (flattened), in the current dispose scope.</summary>
    public Tensor Transform(Tensor x)
    {
        var flat = x.flatten(1);
        if (flat.shape[1] != mean.shape[0])
            throw new ArgumentException($"PCA was fitted on {mean.shape[0]} dimensions, got {flat.shape[1]}");
        return (flat - mean).matmul(components.t());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        mean.Dispose();
        components.Dispose();
    }
}
