using SkiaSharp;

namespace TransferSharp.Reporting;

/// <summary>One image to show in an <see cref="ImageGrid"/>.</summary>
/// <param name="Channels">1 (grey) or 3 (RGB).</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Pixels">
/// Channel-major (CHW) values, <c>Channels * Height * Width</c> of them, in [0, 1]; values outside
/// are clamped and NaN is drawn as 0.
/// </param>
public sealed record GridImage(int Channels, int Height, int Width, float[] Pixels);

/// <summary>One row of an <see cref="ImageGrid"/>: a label drawn at the left and the images after it.</summary>
/// <param name="Label">Text drawn in the label column, e.g. a class name.</param>
/// <param name="Images">The images of the row, left to right; may be empty.</param>
public sealed record GridRow(string Label, IReadOnlyList<GridImage> Images);

/// <summary>
/// Renders labelled rows of small images (e.g. a few samples per class of a dataset) into one PNG.
/// </summary>
/// <remarks>
/// Layout, in output pixels: every image is scaled up by nearest neighbour by <c>scale</c> and
/// centred in a cell of <c>maxWidth * scale</c> by <c>maxHeight * scale</c> (the largest image of
/// the grid). With <c>R</c> rows and <c>C</c> = the longest row's image count:
/// <c>width = 2 * Margin + LabelWidth + C * cellWidth + (C - 1) * Gap</c> and
/// <c>height = 2 * Margin + R * cellHeight + (R - 1) * Gap</c>.
/// Image <c>j</c> of row <c>i</c> has its cell's top-left corner at
/// <c>(Margin + LabelWidth + j * (cellWidth + Gap), Margin + i * (cellHeight + Gap))</c>.
/// The background is white and a cell not covered by its image is light grey. The label is drawn
/// left-aligned from <c>x = Margin</c>, vertically centred on its row, shrunk (down to 8 px) to fit
/// the label column and clipped beyond it.
/// </remarks>
public static class ImageGrid
{
    /// <summary>Blank space around the whole grid, in pixels.</summary>
    public const int Margin = 10;

    /// <summary>Space between two cells of a row and between two rows, in pixels.</summary>
    public const int Gap = 4;

    /// <summary>Width of the label column, including the space before the first image, in pixels.</summary>
    public const int LabelWidth = 110;

    /// <summary>The largest <c>scale</c> accepted.</summary>
    public const int MaxScale = 64;

    /// <summary>The largest width or height of the output accepted, in pixels.</summary>
    public const int MaxSide = 16384;

    private const float MaxFontSize = 14f;
    private const float MinFontSize = 8f;
    private static readonly SKColor Background = SKColors.White;
    private static readonly SKColor CellBackground = new(0xE0, 0xE0, 0xE0);
    private static readonly SKColor LabelColor = new(0x20, 0x20, 0x20);

    /// <summary>
    /// Renders <paramref name="rows"/> and writes a PNG to <paramref name="path"/> atomically (via
    /// <c>path + ".tmp"</c>, renamed over <paramref name="path"/>).
    /// </summary>
    /// <param name="path">The PNG file to write; its folder must exist.</param>
    /// <param name="rows">At least one row, with at least one image in the grid.</param>
    /// <param name="scale">Nearest-neighbour magnification, 1 to <see cref="MaxScale"/>.</param>
    /// <exception cref="ArgumentException">An input is invalid; the message names it.</exception>
    public static void Save(string path, IReadOnlyList<GridRow> rows, int scale = 3)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var layout = Measure(rows, scale);
        using var bitmap = Render(rows, layout);
        AtomicFile.Write(path, stream =>
        {
            if (!bitmap.Encode(stream, SKEncodedImageFormat.Png, quality: 100))
                throw new IOException($"Encoding the image grid as PNG for '{path}' failed.");
        });
    }

    internal readonly record struct Layout(int Scale, int CellWidth, int CellHeight, int Columns, int Width, int Height);

    internal static Layout Measure(IReadOnlyList<GridRow> rows, int scale)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
            throw new ArgumentException("The image grid needs at least one row.", nameof(rows));
        if (scale < 1 || scale > MaxScale)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale must be between 1 and {MaxScale}.");

        int maxW = 0, maxH = 0, columns = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i] ?? throw new ArgumentException($"rows[{i}] is null.", nameof(rows));
            if (row.Label is null)
                throw new ArgumentException($"rows[{i}].Label is null.", nameof(rows));
            if (row.Images is null)
                throw new ArgumentException($"rows[{i}].Images is null.", nameof(rows));
            columns = Math.Max(columns, row.Images.Count);
            for (int j = 0; j < row.Images.Count; j++)
            {
                var image = row.Images[j];
                Validate(image, $"rows[{i}].Images[{j}]");
                maxW = Math.Max(maxW, image.Width);
                maxH = Math.Max(maxH, image.Height);
            }
        }
        if (columns == 0)
            throw new ArgumentException("The image grid has rows but no images.", nameof(rows));

        long cellW = (long)maxW * scale, cellH = (long)maxH * scale;
        long width = 2L * Margin + LabelWidth + columns * cellW + (columns - 1L) * Gap;
        long height = 2L * Margin + rows.Count * cellH + (rows.Count - 1L) * Gap;
        if (width > MaxSide || height > MaxSide)
            throw new ArgumentException(
                $"The image grid would be {width}x{height} pixels, more than {MaxSide} on a side; use a smaller scale or fewer images.",
                nameof(rows));
        return new Layout(scale, (int)cellW, (int)cellH, columns, (int)width, (int)height);
    }

    private static void Validate(GridImage? image, string name)
    {
        if (image is null)
            throw new ArgumentException($"{name} is null.", "rows");
        if (image.Channels is not (1 or 3))
            throw new ArgumentException($"{name} has {image.Channels} channels; 1 (grey) or 3 (RGB) are supported.", "rows");
        if (image.Height <= 0 || image.Width <= 0)
            throw new ArgumentException($"{name} is {image.Height}x{image.Width}; height and width must be positive.", "rows");
        if (image.Pixels is null)
            throw new ArgumentException($"{name}.Pixels is null.", "rows");
        long expected = (long)image.Channels * image.Height * image.Width;
        if (image.Pixels.Length != expected)
            throw new ArgumentException(
                $"{name} has {image.Pixels.Length} pixel values; {image.Channels}x{image.Height}x{image.Width} needs {expected}.", "rows");
    }

    private static SKBitmap Render(IReadOnlyList<GridRow> rows, Layout layout)
    {
        var bitmap = new SKBitmap(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        try
        {
            using var canvas = new SKCanvas(bitmap);
            canvas.Clear(Background);
            using var cellPaint = new SKPaint { Color = CellBackground, Style = SKPaintStyle.Fill };
            using var textPaint = new SKPaint { Color = LabelColor, IsAntialias = true };
            using var typeface = SansFont.Create();
            var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);

            for (int i = 0; i < rows.Count; i++)
            {
                int top = Margin + i * (layout.CellHeight + Gap);
                DrawLabel(canvas, rows[i].Label, top, layout.CellHeight, typeface, textPaint);
                var images = rows[i].Images;
                for (int j = 0; j < images.Count; j++)
                {
                    int left = Margin + LabelWidth + j * (layout.CellWidth + Gap);
                    var image = images[j];
                    int w = image.Width * layout.Scale, h = image.Height * layout.Scale;
                    if (w != layout.CellWidth || h != layout.CellHeight)
                        canvas.DrawRect(SKRect.Create(left, top, layout.CellWidth, layout.CellHeight), cellPaint);
                    int x = left + (layout.CellWidth - w) / 2, y = top + (layout.CellHeight - h) / 2;
                    using var skImage = ToSkImage(image);
                    canvas.DrawImage(skImage, SKRect.Create(x, y, w, h), sampling, null);
                }
            }
            canvas.Flush();
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    private static void DrawLabel(SKCanvas canvas, string label, int top, int rowHeight, SKTypeface typeface, SKPaint paint)
    {
        if (label.Length == 0)
            return;
        float available = LabelWidth - Gap;
        float size = Math.Min(MaxFontSize, Math.Max(MinFontSize, rowHeight * 0.8f));
        using var font = new SKFont(typeface, size) { Edging = SKFontEdging.Antialias };
        float measured = font.MeasureText(label, paint);
        if (measured > available)
        {
            font.Size = Math.Max(MinFontSize, size * available / measured);
        }
        var metrics = font.Metrics;
        // Centre the text box (ascent is negative, descent positive) on the row.
        float baseline = top + rowHeight / 2f - (metrics.Ascent + metrics.Descent) / 2f;
        canvas.Save();
        canvas.ClipRect(SKRect.Create(Margin, top, available, rowHeight));
        canvas.DrawText(label, Margin, baseline, SKTextAlign.Left, font, paint);
        canvas.Restore();
    }

    private static SKImage ToSkImage(GridImage image)
    {
        int plane = image.Height * image.Width;
        var rgba = new byte[plane * 4];
        var pixels = image.Pixels;
        for (int p = 0; p < plane; p++)
        {
            byte r = ToByte(pixels[p]);
            byte g = image.Channels == 3 ? ToByte(pixels[plane + p]) : r;
            byte b = image.Channels == 3 ? ToByte(pixels[2 * plane + p]) : r;
            rgba[4 * p] = r;
            rgba[4 * p + 1] = g;
            rgba[4 * p + 2] = b;
            rgba[4 * p + 3] = 255;
        }
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        return SKImage.FromPixelCopy(info, rgba, image.Width * 4)
            ?? throw new InvalidOperationException("SkiaSharp could not wrap the image pixels.");
    }

    internal static byte ToByte(float v)
    {
        if (float.IsNaN(v) || v <= 0f)
            return 0;
        if (v >= 1f)
            return 255;
        return (byte)MathF.Round(v * 255f);
    }
}
