namespace TransferSharp.Data;

/// <summary>
/// MNIST-M built as Ganin &amp; Lempitsky (2015) built it: every MNIST digit is blended with a random 28x28 crop of a
/// colour photo, <c>out = |crop − digit|</c> per channel. The photos are public-domain / CC0 images embedded in the
/// library (see data/SOURCES.md). A fixed seed makes the same set every time.
/// </summary>
internal static class MnistM
{
    public const int Seed = 1;

    public static Dataset Create()
    {
        var digits = EmbeddedData.Load(EmbeddedData.Mnist);
        var photos = EmbeddedData.LoadPhotos();
        int n = digits.Count, h = digits.Height, w = digits.Width, plane = h * w;
        var rng = new Random(Seed);
        var output = new float[n * 3 * plane];
        for (int i = 0; i < n; i++)
        {
            var photo = photos[rng.Next(photos.Count)];
            int top = rng.Next(photo.Height - h + 1), left = rng.Next(photo.Width - w + 1);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float d = digits.Pixels[i * plane + y * w + x] / 255f;
                    int src = ((top + y) * photo.Width + left + x) * 3;    // photo bytes are HWC RGB
                    for (int c = 0; c < 3; c++)
                        output[((i * 3 + c) * h + y) * w + x] = Math.Abs(photo.Rgb[src + c] / 255f - d);
                }
        }
        using var scope = NewDisposeScope();
        return new Dataset("mnist-m", tensor(output, [n, 3, h, w]), tensor(digits.Labels.Select(b => (long)b).ToArray(), [n]),
            digits.ClassNames,
            $"MNIST-M built from {digits.Provenance} and {photos.Count} photos ({string.Join(", ", photos.Select(p => p.Name))}), |crop - digit|, seed {Seed}");
    }
}
