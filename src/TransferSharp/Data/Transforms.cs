namespace TransferSharp.Data;

/// <summary>Whole-dataset image transforms; each returns a new dataset.</summary>
public static class Transforms
{
    /// <summary>Resizes images to <paramref name="height"/> x <paramref name="width"/> (bilinear, antialiased when shrinking).</summary>
    public static Dataset Resize(this Dataset data, int height, int width)
    {
        RequireImages(data, nameof(Resize));
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"size must be positive, got {height}x{width}");
        if (data.Inputs.shape[2] == height && data.Inputs.shape[3] == width) return data.WithInputs(data.Inputs.alias(), "unchanged size");
        // N·C·H·W float32 values, plus as much again for the interpolation's and clamp's intermediates.
        long n = data.Inputs.shape[0], c = data.Inputs.shape[1];
        MemoryBudget.RequireForSetting((Int128)n * c * height * width * 4 * 2,
            $"resizing {n} images of {c}x{data.Inputs.shape[2]}x{data.Inputs.shape[3]} to {height}x{width}");
        using var scope = NewDisposeScope();
        bool shrinking = height < data.Inputs.shape[2] || width < data.Inputs.shape[3];
        var resized = nn.functional.interpolate(data.Inputs, [height, width], mode: InterpolationMode.Bilinear,
            align_corners: false, antialias: shrinking).clamp(0, 1);
        return data.WithInputs(resized, $"resized to {height}x{width}");
    }

    /// <summary>Grey images become RGB by repeating the channel; RGB images are returned as they are.</summary>
    public static Dataset ToRgb(this Dataset data)
    {
        RequireImages(data, nameof(ToRgb));
        long c = data.Inputs.shape[1];
        if (c == 3) return data.WithInputs(data.Inputs.alias(), "already RGB");
        if (c != 1) throw new ArgumentException($"dataset '{data.Name}': cannot make RGB from {c} channels");
        using var scope = NewDisposeScope();
        return data.WithInputs(data.Inputs.expand(-1, 3, -1, -1).contiguous(), "grey to RGB");
    }

    /// <summary>RGB images become grey with the ITU-R BT.601 luma weights; grey images are returned as they are.</summary>
    public static Dataset ToGrey(this Dataset data)
    {
        RequireImages(data, nameof(ToGrey));
        long c = data.Inputs.shape[1];
        if (c == 1) return data.WithInputs(data.Inputs.alias(), "already grey");
        if (c != 3) throw new ArgumentException($"dataset '{data.Name}': cannot make grey from {c} channels");
        using var scope = NewDisposeScope();
        var w = tensor(new[] { 0.299f, 0.587f, 0.114f }, device: data.Inputs.device).view(1, 3, 1, 1);
        return data.WithInputs((data.Inputs * w).sum(1, keepdim: true), "RGB to grey");
    }

    /// <summary>Per-channel (or per-feature) <c>(x - mean) / std</c>. One value applies to every channel.</summary>
    public static Dataset Normalize(this Dataset data, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        long c = data.Inputs.shape[1];
        if ((mean.Count != 1 && mean.Count != c) || (std.Count != 1 && std.Count != c))
            throw new ArgumentException($"dataset '{data.Name}': normalise needs 1 or {c} means and stds, got {mean.Count} and {std.Count}");
        if (std.Any(s => s <= 0)) throw new ArgumentException($"dataset '{data.Name}': normalise needs positive stds");
        using var scope = NewDisposeScope();
        long[] shape = data.IsImage ? [1, -1, 1, 1] : [1, -1];
        var m = tensor(mean.ToArray(), device: data.Inputs.device).view(shape);
        var s = tensor(std.ToArray(), device: data.Inputs.device).view(shape);
        return data.WithInputs((data.Inputs - m) / s, $"normalised mean [{string.Join(',', mean)}] std [{string.Join(',', std)}]");
    }

    private static void RequireImages(Dataset data, string op)
    {
        if (!data.IsImage) throw new ArgumentException($"dataset '{data.Name}': {op} needs images (N, C, H, W), got features");
    }
}
