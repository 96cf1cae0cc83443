using ScottPlot;
using SkiaSharp;

namespace TransferSharp.Reporting;

/// <summary>Shared pieces of the multi-panel figures: a title band, panels rendered onto one canvas, PNG output.</summary>
internal static class PlotCanvas
{
    public static void RenderPanel(Plot plot, SKCanvas canvas, PixelRect rect)
    {
        plot.RenderManager.ClearCanvasBeforeEachRender = false;
        plot.Render(canvas, rect);
    }

    public static void DrawTitle(SKCanvas canvas, string title, int width)
    {
        if (title.Length == 0) return;
        using var typeface = SansFont.Create(bold: true);
        using var font = new SKFont(typeface, 18) { Edging = SKFontEdging.Antialias };
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        float measured = font.MeasureText(title, paint);
        float available = width - 20f;
        if (measured > available) font.Size = Math.Max(9f, font.Size * available / measured);
        var m = font.Metrics;
        float baseline = LearningCurvePlot.TitleHeight / 2f - (m.Ascent + m.Descent) / 2f + 2f;
        canvas.DrawText(title, width / 2f, baseline, SKTextAlign.Center, font, paint);
    }

    public static void SavePng(SKSurface surface, string path)
    {
        surface.Canvas.Flush();
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new IOException($"Encoding '{path}' as PNG failed.");
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }
}
