using TorchSharp.Modules;

namespace TransferSharp.Modules;

/// <summary>
/// The domain classifier of DANN: an MLP from features <c>(N, F)</c> to one logit per example <c>(N, 1)</c>, positive
/// for the source domain. Ganin &amp; Lempitsky's digits net uses F→100→1; later work (TLlib, CDAN) uses two wide
/// hidden layers with batch norm, which keeps the adversarial game from collapsing early.
/// </summary>
public sealed class DomainDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    /// <summary>
    /// <paramref name="hiddenLayers"/> hidden layers of <paramref name="hidden"/> units (Linear, optional BatchNorm1d,
    /// ReLU, optional dropout), then a linear map to one logit.
    /// </summary>
    public DomainDiscriminator(long inFeatures, long hidden = 100, int hiddenLayers = 1, bool batchNorm = false, double dropout = 0)
        : base(nameof(DomainDiscriminator))
    {
        if (inFeatures < 1 || hidden < 1 || hiddenLayers < 1)
            throw new ArgumentException($"discriminator needs positive sizes, got in {inFeatures}, hidden {hidden}, layers {hiddenLayers}");
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        long width = inFeatures;
        for (int i = 0; i < hiddenLayers; i++)
        {
            modules.Add(($"fc{i + 1}", nn.Linear(width, hidden)));
            if (batchNorm) modules.Add(($"bn{i + 1}", nn.BatchNorm1d(hidden)));
            modules.Add(($"relu{i + 1}", nn.ReLU()));
            if (dropout > 0) modules.Add(($"dropout{i + 1}", nn.Dropout(dropout)));
            width = hidden;
        }
        modules.Add(("out", nn.Linear(width, 1)));
        layers = nn.Sequential(modules.ToArray());
        RegisterComponents();
    }

    /// <summary>Domain logits <c>(N, 1)</c> for features <c>(N, F)</c>.</summary>
    public override Tensor forward(Tensor features) => layers.call(features);
}
