using SkiaSharp;

namespace TransferSharp.Data;

/// <summary>
/// Synthetic digits in the spirit of Ganin &amp; Lempitsky's "Syn Numbers" (2015): the digits 0–9 rendered with the
/// machine's fonts, each image with a random font, size, position, small rotation, foreground and background colour,
/// sometimes a neighbouring digit on either side (as house numbers have), and a slight blur. The label is the digit in
/// the centre. 10,000 RGB 28x28 images, classes balanced, built from a fixed seed: the same set every time on a machine
/// with the same fonts.
/// </summary>
/// <remarks>
/// The fonts are every face SkiaSharp's font manager lists that draws all ten digits and is not a hairline (weight ≥ 300;
/// on Debian's fonts-dejavu: DejaVu Sans, Serif, Mono, Math and their condensed, bold and oblique faces), in a fixed order. A machine without such a
/// font gets a one-line error.
/// </remarks>
internal static class SynthDigits
{
    public const int Seed = 1;
    public const int Count = 10_000;
    private const int Side = 28;

    public static Dataset Create()
    {
        var fonts = DigitTypefaces();
        if (fonts.Count == 0)
            throw new FileNotFoundException("synth-digits: no installed font draws the digits 0-9 (install one, e.g. Debian's fonts-dejavu-core)");
        try
        {
            var rng = new Random(Seed);
            var output = new float[Count * 3 * Side * Side];
            var labels = new long[Count];
            using var bitmap = new SKBitmap(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Premul));
            using var canvas = new SKCanvas(bitmap);
            using var paint = new SKPaint { IsAntialias = true };
            for (int i = 0; i < Count; i++)
            {
                int digit = i % 10;
                labels[i] = digit;
                Draw(canvas, paint, fonts[rng.Next(fonts.Count)], digit, rng);
                var pixels = bitmap.Bytes;                                                         // (H, W, RGBA), opaque
                for (int p = 0; p < Side * Side; p++)
                    for (int c = 0; c < 3; c++)
                        output[(i * 3 + c) * Side * Side + p] = pixels[p * 4 + c] / 255f;
            }
            var names = fonts.Select(f => f.FamilyName).Distinct().ToArray();
            using var scope = NewDisposeScope();
            return new Dataset("synth-digits", tensor(output, [Count, 3, Side, Side]), tensor(labels, [Count]),
                Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                $"synthetic digits rendered with {fonts.Count} faces of {names.Length} font families ({string.Join(", ", names)}), seed {Seed}");
        }
        finally
        {
            foreach (var f in fonts) f.Dispose();
        }
    }

    private static void Draw(SKCanvas canvas, SKPaint paint, SKTypeface typeface, int digit, Random rng)
    {
        // Colours: background anywhere, foreground at least 0.3 apart in luminance so the digit stays legible.
        var background = RandomColour(rng);
        SKColor foreground;
        do foreground = RandomColour(rng); while (Math.Abs(Luma(foreground) - Luma(background)) < 0.3);
        canvas.Clear(background);
        float size = 17 + (float)rng.NextDouble() * 9;                                            // 17–26 px
        using var font = new SKFont(typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };
        paint.Color = foreground;
        float blur = (float)rng.NextDouble() * 0.8f;
        using var filter = blur > 0.05f ? SKImageFilter.CreateBlur(blur, blur) : null;
        paint.ImageFilter = filter;
        canvas.Save();
        canvas.Translate(Side / 2f + (float)(rng.NextDouble() * 6 - 3), Side / 2f + (float)(rng.NextDouble() * 6 - 3));
        canvas.RotateDegrees((float)(rng.NextDouble() * 30 - 15));
        string text = digit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bounds = new SKRect();
        float width = font.MeasureText(text, out bounds, paint);
        // The digit's ink centred on the origin; neighbours (other digits, as in a house number) one advance away.
        float x = -bounds.MidX, y = -bounds.MidY;
        canvas.DrawText(text, x, y, SKTextAlign.Left, font, paint);
        float gap = width + size * 0.08f;
        if (rng.NextDouble() < 0.4) canvas.DrawText(rng.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture), x - gap, y, SKTextAlign.Left, font, paint);
        if (rng.NextDouble() < 0.4) canvas.DrawText(rng.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture), x + gap, y, SKTextAlign.Left, font, paint);
        canvas.Restore();
        paint.ImageFilter = null;
        canvas.Flush();
    }

    private static SKColor RandomColour(Random rng) => new((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256));

    private static double Luma(SKColor c) => (0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue) / 255;

    /// <summary>Every face of every installed family that has glyphs for 0–9, ordered by family and style.</summary>
    internal static List<SKTypeface> DigitTypefaces()
    {
        var manager = SKFontManager.Default;
        var faces = new List<SKTypeface>();
        foreach (var family in manager.FontFamilies.Distinct().Order(StringComparer.Ordinal))
        {
            using var styles = manager.GetFontStyles(family);
            for (int s = 0; s < styles.Count; s++)
            {
                using var style = styles[s];
                var face = styles.CreateTypeface(s);
                if (face is null) continue;
                // Hairline faces (weight < 300) leave 28-pixel digits too faint to read after the blur.
                if (face.FamilyName == family && face.FontWeight >= 300 && face.ContainsGlyphs("0123456789")) faces.Add(face);
                else face.Dispose();
            }
        }
        // One face per distinct (family, weight, width, slant), in a fixed order.
        return faces.GroupBy(f => (f.FamilyName, f.FontWeight, f.FontWidth, f.FontSlant)).Select(g =>
            {
                foreach (var extra in g.Skip(1)) extra.Dispose();
                return g.First();
            })
            .OrderBy(f => f.FamilyName, StringComparer.Ordinal).ThenBy(f => f.FontWeight).ThenBy(f => f.FontWidth).ThenBy(f => (int)f.FontSlant)
            .ToList();
    }
}
