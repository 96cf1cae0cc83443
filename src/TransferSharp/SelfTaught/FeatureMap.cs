using TransferSharp.Data;
using TransferSharp.Evaluation;
using TransferSharp.Training;

namespace TransferSharp.SelfTaught;

/// <summary>
/// A named, fixed map from inputs to feature vectors <c>(N, F)</c>: raw pixels, PCA projections or an autoencoder's
/// codes. Self-taught learning and clustering run the same classifier or k-means on each, so they compare fairly.
/// </summary>
public sealed class FeatureMap
{
    private readonly Func<Tensor, Tensor> map;

    /// <summary>Wraps <paramref name="map"/>, which takes a batch and returns <c>(B, F)</c> in the current dispose scope.</summary>
    public FeatureMap(string name, Func<Tensor, Tensor> map)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        this.map = map ?? throw new ArgumentNullException(nameof(map));
    }

    /// <summary>Short name for tables, e.g. <c>raw</c>, <c>pca-50</c>, <c>autoencoder</c>.</summary>
    public string Name { get; }

    /// <summary>The inputs flattened: <c>(N, C·H·W)</c>.</summary>
    public static FeatureMap Raw() => new("raw", x => x.flatten(1));

    /// <summary>Projections on a fitted PCA.</summary>
    public static FeatureMap Pca(Pca pca, string? name = null) => new(name ?? $"pca-{pca.Components}", pca.Transform);

    /// <summary>The autoencoder's codes (evaluation mode, no gradient).</summary>
    public static FeatureMap Encoder(Autoencoder autoencoder, string name = "autoencoder") => new(name, x =>
    {
        autoencoder.eval();
        return autoencoder.Encode(x.On(Devices.Of(autoencoder)));
    });

    /// <summary>Features of a whole dataset, in batches without gradients; labels and class names are kept.</summary>
    public Dataset Apply(Dataset data, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var batch in Batches.Of(data, batchSize))
        {
            using var batchScope = NewDisposeScope();   // the batch's activations go before the next batch
            // Mapped wherever the map computes (an encoder's device), kept on the CPU with the data sets.
            parts.Add(map(batch.Inputs).flatten(1).to_type(ScalarType.Float32).On(CPU).MoveToOuterDisposeScope());   // (B, F)
        }
        var features = parts.Count == 0 ? zeros(0, 1) : cat(parts, 0);           // (N, F)
        return new Dataset(data.Name, features, data.Labels?.clone(), data.ClassNames, $"{data.Provenance}; {Name} features");
    }
}
