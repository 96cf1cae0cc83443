namespace TransferSharp.Data;

/// <summary>Plain-array samples of a dataset for drawing (no tensors leave this class).</summary>
public static class DatasetPreview
{
    /// <summary>One CHW image in [0, 1].</summary>
    public sealed record Sample(int Channels, int Height, int Width, float[] Pixels);

    /// <summary>Up to <paramref name="perClass"/> random images of every class (seeded), as (class name, samples) rows.</summary>
    public static IReadOnlyList<(string ClassName, IReadOnlyList<Sample> Samples)> PerClass(Dataset data, int perClass, int seed)
    {
        if (!data.IsImage) throw new ArgumentException($"dataset '{data.Name}' holds features, not images: there is nothing to draw");
        if (perClass < 1) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "must be positive");
        var rng = new Random(seed);
        var groups = data.HasLabels
            ? data.IndicesByClass()
            : [Enumerable.Range(0, data.Count).Select(i => (long)i).ToList()];
        int c = (int)data.Inputs.shape[1], h = (int)data.Inputs.shape[2], w = (int)data.Inputs.shape[3];
        var rows = new List<(string, IReadOnlyList<Sample>)>();
        for (int k = 0; k < groups.Count; k++)
        {
            var pick = groups[k].ToArray();
            rng.Shuffle(pick);
            var samples = pick.Take(perClass).Select(i =>
            {
                using var scope = NewDisposeScope();
                return new Sample(c, h, w, data.Inputs[i].clamp(0, 1).contiguous().data<float>().ToArray());
            }).ToArray();
            rows.Add((data.HasLabels ? data.ClassNames[k] : "(unlabelled)", samples));
        }
        return rows;
    }
}
