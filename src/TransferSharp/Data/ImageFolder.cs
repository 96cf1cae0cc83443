using SkiaSharp;

namespace TransferSharp.Data;

/// <summary>
/// Reader for a folder of images laid out one subfolder per class: <c>root/&lt;class&gt;/*.png|jpg|jpeg|bmp|webp|gif</c>,
/// or, for unlabelled data, the images directly in the folder: <c>root/*.png|jpg|...</c> with no subfolders.
/// </summary>
/// <remarks>
/// Classes are the subfolder names in ordinal order (folders starting with '.' are ignored); images within a class
/// are read in ordinal file-name order, so the same folder always gives the same dataset. A folder with no
/// subfolders but images of its own gives an unlabelled dataset (labels null, no class names), images in ordinal
/// file-name order. When a folder holds both class subfolders and loose images, the subfolders win and the loose
/// images are ignored (as torchvision's <c>ImageFolder</c> does). Images are decoded with
/// SkiaSharp, resized to a fixed size and returned as float32 <c>(N, C, H, W)</c> in [0, 1], C = 3 (RGB) or 1
/// (ITU-R BT.601 luma). Transparent pixels are composited over black. EXIF orientation is not applied.
/// </remarks>
public static class ImageFolder
{
    /// <summary>The file extensions read as images (case-insensitive), here and by <c>Predictor</c>; a GIF gives its first frame.</summary>
    internal static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif"];

    /// <summary>
    /// Reads every image under <paramref name="root"/>, labelled by its class subfolder; or, when the folder has no
    /// subfolders, every image directly in it, unlabelled.
    /// </summary>
    /// <param name="root">The folder holding one subfolder per class, or the unlabelled images themselves.</param>
    /// <param name="height">Height every image is resized to.</param>
    /// <param name="width">Width every image is resized to.</param>
    /// <param name="rgb">Three RGB channels (true) or one grey channel (false).</param>
    /// <exception cref="InvalidDataException">The folder is missing, has neither classes nor images, a class has no images, or an image does not decode.</exception>
    public static Dataset Read(string root, int height, int width, bool rgb = true)
    {
        CheckSize(height, width);
        var listing = List(root);
        var files = listing.Files;
        int channels = rgb ? 3 : 1;
        int perImage = channels * height * width;
        MemoryBudget.RequireForFile(root, (Int128)files.Count * perImage * 4,
            $"{files.Count} images read at {height}x{width} ({channels} channels, N·C·H·W·4 bytes)");

        // Each image is decoded into one reusable buffer and copied into its row of the tensor, so the folder is held
        // once (a whole-folder float[] turned into a tensor would be held twice: the array and libtorch's copy).
        using var scope = NewDisposeScope();
        var x = empty([files.Count, channels, height, width]);          // (N, C, H, W)
        var buffer = new float[perImage];
        for (int i = 0; i < files.Count; i++)
        {
            DecodeInto(files[i], height, width, rgb, buffer);
            using var image = tensor(buffer, [1, channels, height, width]);
            using var row = x.narrow(0, i, 1);
            row.copy_(image);
        }
        var y = listing.Labels is { } labels ? tensor(labels.ToArray(), ScalarType.Int64) : null;    // (N) or unlabelled
        return new Dataset(listing.Name, x, y, listing.ClassNames, listing.Describe(height, width, rgb));
    }

    /// <summary>
    /// The classes and image files under <paramref name="root"/>, in the order <see cref="Read"/> reads them,
    /// without decoding anything. Shared with <see cref="StreamingImageFolder"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder is missing, has neither class subfolders nor images, or a class has no images.</exception>
    internal static ImageFolderListing List(string root)
    {
        if (!Directory.Exists(root))
            throw DataFile.Error(root, File.Exists(root) ? "is a file, expected a folder of class subfolders" : "folder not found");
        var walk = new FolderWalk(root);
        var classDirs = walk.Folders(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToArray();
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
        if (classDirs.Length == 0)
        {
            // No subfolders: the images directly in the folder are an unlabelled set.
            var loose = walk.Files(root).Where(IsImageFile).Order(StringComparer.Ordinal).ToArray();
            if (loose.Length == 0)
                throw DataFile.Error(root, $"no class subfolders and no images (expected root/<class>/<images>, or root/<images> for unlabelled data; {string.Join(", ", ImageExtensions)})");
            return new ImageFolderListing(root, name, [], loose, null);
        }

        var files = new List<string>();
        var labels = new List<long>();
        for (int c = 0; c < classDirs.Length; c++)
        {
            var images = walk.Files(classDirs[c]).Where(IsImageFile).Order(StringComparer.Ordinal).ToArray();
            if (images.Length == 0)
                throw DataFile.Error(classDirs[c], $"class '{Path.GetFileName(classDirs[c])}' has no images ({string.Join(", ", ImageExtensions)})");
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat((long)c, images.Length));
        }
        var names = classDirs.Select(d => Path.GetFileName(d)).ToArray();
        return new ImageFolderListing(root, name, names, files, labels);
    }

    /// <summary>Reads one image file as a float32 tensor <c>(1, C, H, W)</c> in [0, 1], the same way <see cref="Read"/> does.</summary>
    /// <exception cref="InvalidDataException">The file is missing or does not decode.</exception>
    public static Tensor ReadImage(string path, int height, int width, bool rgb = true)
    {
        CheckSize(height, width);
        DataFile.RequireFile(path);
        var buffer = new float[(rgb ? 3 : 1) * height * width];
        DecodeInto(path, height, width, rgb, buffer);
        return tensor(buffer, [1, rgb ? 3 : 1, height, width]); // (1, C, H, W)
    }

    /// <summary>
    /// Decodes a whole image with <see cref="SKCodec"/>, as <c>SKBitmap.Decode</c> does (the codec's own colour type,
    /// unpremultiplied alpha made premultiplied, no colour space) but accepting only a complete decode:
    /// <c>SKBitmap.Decode</c> also returns a bitmap for <see cref="SKCodecResult.IncompleteInput"/>, a truncated PNG or
    /// JPEG whose missing rows are left blank, which would silently enter a dataset as a damaged example.
    /// </summary>
    /// <exception cref="InvalidDataException">The file cannot be opened, is not an image SkiaSharp decodes, is truncated or corrupt.</exception>
    internal static SKBitmap DecodeComplete(string path)
    {
        SKCodec? codec;
        SKCodecResult opened;
        try
        {
            codec = SKCodec.Create(path, out opened);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw DataFile.Error(path, $"cannot read image: {e.Message}");
        }
        if (codec is null)
            throw DataFile.Error(path, opened switch
            {
                SKCodecResult.InternalError when !File.Exists(path) => "file not found",
                SKCodecResult.InternalError => "cannot open the file",
                SKCodecResult.IncompleteInput => "truncated image: the file ends inside its header",
                _ => $"cannot decode as an image ({Describe(opened)}; corrupt, empty or not a {Formats} file)",
            });
        using (codec)
        {
            var info = codec.Info;
            if (info.AlphaType == SKAlphaType.Unpremul) info.AlphaType = SKAlphaType.Premul;
            info.ColorSpace = null;
            if (info.Width <= 0 || info.Height <= 0)
                throw DataFile.Error(path, $"image has no pixels ({info.Width}x{info.Height})");
            // The decoded bitmap, and the resized copy at most as large: refused here with the file's name, not as
            // SkiaSharp's "Unable to allocate pixels for the bitmap".
            Int128 bitmapBytes = (Int128)info.Width * info.Height * Math.Max(1, info.BytesPerPixel);
            if (bitmapBytes > int.MaxValue)
                throw DataFile.Error(path, $"a {info.Width}x{info.Height} image is too large to decode ({MemoryBudget.Show(bitmapBytes)} of pixels; at most 2 GiB)");
            MemoryBudget.RequireForFile(path, bitmapBytes, $"decoding the {info.Width}x{info.Height} image");
            var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result == SKCodecResult.Success) return bitmap;
            bitmap.Dispose();
            string format = codec.EncodedFormat.ToString().ToUpperInvariant();
            throw DataFile.Error(path, result switch
            {
                SKCodecResult.IncompleteInput => $"truncated {format} image: the data ends before the whole {info.Width}x{info.Height} image is decoded",
                SKCodecResult.ErrorInInput => $"corrupt {format} image: the decoder found an error in the data",
                _ => $"cannot decode the {info.Width}x{info.Height} {format} image ({Describe(result)})",
            });
        }
    }

    private const string Formats = "PNG/JPEG/BMP/WebP/GIF";

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.Unimplemented => "unrecognised format",
        SKCodecResult.InvalidInput => "invalid input",
        SKCodecResult.ErrorInInput => "error in input",
        SKCodecResult.CouldNotRewind => "could not rewind",
        SKCodecResult.InvalidConversion => "unsupported pixel conversion",
        _ => $"SkiaSharp result {result}",
    };

    internal static bool IsImageFile(string path) =>
        ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    internal static void CheckSize(int height, int width)
    {
        if (height <= 0 || width <= 0 || 3L * height * width > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(height), $"image size must be positive and fit one buffer, got {height}x{width}");
    }

    /// <summary>
    /// Decodes, resizes and writes channel-planar values <c>(C, H, W)</c> into <paramref name="target"/>.
    /// Thread-safe for distinct files (SkiaSharp decoders keep no shared state), so decode workers may call it.
    /// </summary>
    internal static void DecodeInto(string path, int height, int width, bool rgb, Span<float> target)
    {
        using var decoded = DecodeComplete(path);
        // Resize also converts any source colour type (grey, indexed, 16-bit) to 8-bit RGBA; premultiplied
        // alpha means transparent areas come out black. Linear mipmaps keep large reductions from aliasing.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var resized = decoded.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw DataFile.Error(path, $"cannot resize {decoded.Width}x{decoded.Height} ({decoded.ColorType}) to {width}x{height}");
        ReadOnlySpan<byte> pixels = resized.GetPixelSpan(); // rows of RGBA bytes
        int rowBytes = resized.RowBytes, plane = height * width;
        for (int r = 0; r < height; r++)
        {
            var row = pixels.Slice(r * rowBytes, width * 4);
            for (int c = 0; c < width; c++)
            {
                float red = row[4 * c] / 255f, green = row[4 * c + 1] / 255f, blue = row[4 * c + 2] / 255f;
                int at = r * width + c;
                if (rgb)
                {
                    target[at] = red;
                    target[plane + at] = green;
                    target[2 * plane + at] = blue;
                }
                else
                {
                    target[at] = Math.Min(1f, 0.299f * red + 0.587f * green + 0.114f * blue); // float sums can pass 1
                }
            }
        }
    }
}
