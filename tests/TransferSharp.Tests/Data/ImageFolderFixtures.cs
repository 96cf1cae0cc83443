using SkiaSharp;

namespace TransferSharp.Tests.Data;

/// <summary>Tiny generated image folders for the streaming tests.</summary>
internal static class ImageFolderFixtures
{
    /// <summary>
    /// Writes <c>root/c&lt;k&gt;/img&lt;i&gt;.png</c>: class k has a bright square in quadrant k (k &lt; 4) over noise,
    /// with a class-specific tint, so a small model can learn the classes. Files are <paramref name="side"/> pixels square.
    /// </summary>
    public static void Write(string root, int classes, int perClass, int side, int seed)
    {
        var rng = new Random(seed);
        for (int k = 0; k < classes; k++)
        {
            var folder = Path.Combine(root, $"c{k}");
            Directory.CreateDirectory(folder);
            int top = (k % 4 / 2) * side / 2, left = (k % 2) * side / 2;
            for (int i = 0; i < perClass; i++)
            {
                using var bitmap = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Opaque));
                for (int r = 0; r < side; r++)
                    for (int c = 0; c < side; c++)
                    {
                        bool inside = r >= top && r < top + side / 2 && c >= left && c < left + side / 2;
                        byte noise = (byte)rng.Next(0, 60);
                        byte v = (byte)(inside ? 190 + noise / 2 : noise);
                        bitmap.SetPixel(c, r, new SKColor(v, (byte)(v * (k + 1) / (classes + 1)), (byte)(255 - v)));
                    }
                using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(folder, $"img{i:D3}.png"), png.ToArray());
            }
        }
    }

    /// <summary>
    /// Writes the images <see cref="Write"/> would, but all directly in <paramref name="root"/> as
    /// <c>c&lt;k&gt;-img&lt;i&gt;.png</c> (no subfolders): an unlabelled folder whose ordinal file order is class by class.
    /// </summary>
    public static void WriteUnlabelled(string root, int classes, int perClass, int side, int seed)
    {
        Write(root, classes, perClass, side, seed);
        for (int k = 0; k < classes; k++)
        {
            var folder = Path.Combine(root, $"c{k}");
            foreach (var file in Directory.GetFiles(folder))
                File.Move(file, Path.Combine(root, $"c{k}-{Path.GetFileName(file)}"));
            Directory.Delete(folder);
        }
    }
}
