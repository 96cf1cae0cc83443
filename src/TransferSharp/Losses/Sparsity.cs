namespace TransferSharp.Losses;

/// <summary>
/// The sparsity penalty of sparse autoencoders (Ng, CS294A lecture notes; the UFLDL tutorial): the summed
/// Kullback–Leibler divergence between a target activation ρ and each hidden unit's mean activation ρ̂_j.
/// </summary>
/// <remarks>
/// Σ_j KL(ρ ‖ ρ̂_j) = Σ_j [ρ log(ρ / ρ̂_j) + (1 − ρ) log((1 − ρ) / (1 − ρ̂_j))], with ρ̂_j the mean over the batch of
/// unit j's activation, which must lie in (0, 1) (a sigmoid). It is 0 when every ρ̂_j = ρ and grows as units fire
/// more (or less) often than ρ.
/// </remarks>
public static class Sparsity
{
    /// <summary>Σ_j KL(ρ ‖ ρ̂_j) for activations <paramref name="codes"/> <c>(B, F)</c> in (0, 1); a scalar tensor.</summary>
    public static Tensor KlDivergence(Tensor codes, double target)
    {
        if (target is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(target), target, "the target activation must be in (0, 1)");
        var rhoHat = codes.flatten(1).mean([0]).clamp(1e-6, 1 - 1e-6);       // (F)
        return (target * (target / rhoHat).log() + (1 - target) * ((1 - target) / (1 - rhoHat)).log()).sum();
    }
}
