namespace TransferSharp.Data;

/// <summary>The datasets embedded in the library, turned into tensors.</summary>
internal static class BuiltIn
{
    public static Dataset Load(string name) => FromRaw(name, EmbeddedData.Load(name + ".bin"));

    /// <summary>Bytes <c>(N, C, H, W)</c> become float32 in [0, 1]; optdigits' 17 grey levels (0..16) are scaled by 16.</summary>
    internal static Dataset FromRaw(string name, RawImages raw)
    {
        float scale = name == "optdigits" ? 16f : 255f;
        var pixels = new float[raw.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = raw.Pixels[i] / scale;
        var labels = raw.Labels.Select(b => (long)b).ToArray();
        using var scope = NewDisposeScope();
        return new Dataset(name,
            tensor(pixels, [raw.Count, raw.Channels, raw.Height, raw.Width]),
            tensor(labels, [raw.Count]),
            raw.ClassNames, raw.Provenance);
    }
}
