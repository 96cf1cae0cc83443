using ScottPlot;
using SkiaSharp;

namespace TransferSharp.Reporting;

/// <summary>The numbers of one training epoch, as plotted by <see cref="LearningCurvePlot"/>.</summary>
/// <param name="Epoch">Epoch number (the x coordinate), usually 1-based.</param>
/// <param name="TrainLoss">Mean training loss over the epoch.</param>
/// <param name="TrainAccuracy">Training accuracy as a fraction in [0, 1].</param>
/// <param name="ValidationLoss">Validation loss, or <c>null</c> when the epoch was not evaluated.</param>
/// <param name="ValidationAccuracy">Validation accuracy as a fraction in [0, 1], or <c>null</c>.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double? ValidationLoss, double? ValidationAccuracy);

/// <summary>
/// Draws a training history as two side-by-side panels, loss (left) and accuracy (right), each with
/// a training and (where present) a validation curve, under a figure title, and saves it as PNG.
/// </summary>
/// <remarks>
/// Non-finite values (NaN, infinity) are left out of the curves, so a diverged epoch shows as a gap
/// in the markers rather than breaking the axes. When every accuracy lies in [0, 1] the accuracy
/// axis is fixed to [0, 1].
/// </remarks>
public static class LearningCurvePlot
{
    /// <summary>Height of the band at the top that holds the figure title, in pixels.</summary>
    public const int TitleHeight = 34;

    /// <summary>The smallest width or height accepted, in pixels.</summary>
    public const int MinSide = 200;

    /// <summary>The largest width or height accepted, in pixels.</summary>
    public const int MaxSide = 8192;

    private static readonly ScottPlot.Color TrainColor = ScottPlot.Color.FromHex("#1f77b4");
    private static readonly ScottPlot.Color ValidationColor = ScottPlot.Color.FromHex("#ff7f0e");

    /// <summary>The learning curve of a trainer's history (<see cref="TransferSharp.Training.EpochMetrics"/>).</summary>
    public static void Save(string path, IReadOnlyList<TransferSharp.Training.EpochMetrics> history, string title) =>
        Save(path, history.Select(h => new EpochRecord(h.Epoch, h.TrainLoss, h.TrainAccuracy, h.ValidationLoss, h.ValidationAccuracy)).ToArray(), title);

    /// <summary>
    /// Renders <paramref name="history"/> and writes a PNG of <paramref name="width"/> by
    /// <paramref name="height"/> pixels to <paramref name="path"/> atomically (via
    /// <c>path + ".tmp"</c>, renamed over <paramref name="path"/>).
    /// </summary>
    /// <param name="path">The PNG file to write; its folder must exist.</param>
    /// <param name="history">One record per epoch, at least one.</param>
    /// <param name="title">Figure title drawn above both panels.</param>
    /// <param name="width">Image width, <see cref="MinSide"/> to <see cref="MaxSide"/>.</param>
    /// <param name="height">Image height, <see cref="MinSide"/> to <see cref="MaxSide"/>.</param>
    /// <exception cref="ArgumentException">An input is invalid; the message names it.</exception>
    public static void Save(string path, IReadOnlyList<EpochRecord> history, string title, int width = 900, int height = 450)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(title);
        if (history.Count == 0)
            throw new ArgumentException("The training history is empty; there is nothing to plot.", nameof(history));
        for (int i = 0; i < history.Count; i++)
        {
            if (history[i] is null)
                throw new ArgumentException($"history[{i}] is null.", nameof(history));
        }
        if (width < MinSide || width > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be between {MinSide} and {MaxSide}.");
        if (height < MinSide || height > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"height must be between {MinSide} and {MaxSide}.");

        // Two plain plots rendered side by side on one canvas, below the title band. ScottPlot's
        // Multiplot would do the layout but clears the whole canvas first, erasing the title.
        using var loss = new Plot();
        using var accuracy = new Plot();
        Panel(loss, "Loss", "loss", history, r => r.TrainLoss, r => r.ValidationLoss);
        Panel(accuracy, "Accuracy", "accuracy", history, r => r.TrainAccuracy, r => r.ValidationAccuracy);
        // Loss falls and accuracy rises: put each legend where its curves usually are not.
        loss.ShowLegend(Alignment.UpperRight);
        accuracy.ShowLegend(Alignment.LowerRight);
        if (AllWithin(history, r => r.TrainAccuracy, r => r.ValidationAccuracy, 0, 1))
            accuracy.Axes.SetLimitsY(-0.02, 1.02);

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        DrawTitle(canvas, title, width);
        float middle = width / 2f;
        RenderPanel(loss, canvas, new PixelRect(0, middle, height, TitleHeight));
        RenderPanel(accuracy, canvas, new PixelRect(middle, width, height, TitleHeight));
        canvas.Flush();
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException($"Encoding the learning curve as PNG for '{path}' failed.");
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }

    private static void RenderPanel(Plot plot, SKCanvas canvas, PixelRect rect)
    {
        plot.RenderManager.ClearCanvasBeforeEachRender = false;
        plot.Render(canvas, rect);
    }

    private static void Panel(Plot plot, string panelTitle, string yLabel, IReadOnlyList<EpochRecord> history,
        Func<EpochRecord, double> train, Func<EpochRecord, double?> validation)
    {
        // ScottPlot's default family resolves to a serif face here; a sans face reads better.
        if (SansFont.FamilyName is { } family)
            plot.Font.Set(family, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
        plot.Title(panelTitle, 14);
        plot.XLabel("epoch", 13);
        plot.YLabel(yLabel, 13);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

        AddSeries(plot, "train", TrainColor, history.Select(r => (r.Epoch, (double?)train(r))));
        AddSeries(plot, "validation", ValidationColor, history.Select(r => (r.Epoch, validation(r))));
        if (history.Count == 1)
            plot.Axes.SetLimitsX(history[0].Epoch - 1, history[0].Epoch + 1);
    }

    private static void AddSeries(Plot plot, string label, ScottPlot.Color color, IEnumerable<(int Epoch, double? Value)> points)
    {
        var kept = points.Where(p => p.Value is double v && double.IsFinite(v)).ToArray();
        if (kept.Length == 0)
            return;
        var scatter = plot.Add.Scatter(kept.Select(p => (double)p.Epoch).ToArray(), kept.Select(p => p.Value!.Value).ToArray(), color);
        scatter.LegendText = label;
        scatter.LineWidth = 2;
        scatter.MarkerSize = kept.Length > 60 ? 0 : 5;
    }

    private static bool AllWithin(IReadOnlyList<EpochRecord> history, Func<EpochRecord, double> train,
        Func<EpochRecord, double?> validation, double low, double high)
    {
        foreach (var r in history)
        {
            double t = train(r);
            if (double.IsFinite(t) && (t < low || t > high))
                return false;
            if (validation(r) is double v && double.IsFinite(v) && (v < low || v > high))
                return false;
        }
        return true;
    }

    private static void DrawTitle(SKCanvas canvas, string title, int width)
    {
        if (title.Length == 0)
            return;
        using var typeface = SansFont.Create(bold: true);
        using var font = new SKFont(typeface, 18) { Edging = SKFontEdging.Antialias };
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        float measured = font.MeasureText(title, paint);
        float available = width - 20f;
        if (measured > available)
            font.Size = Math.Max(9f, font.Size * available / measured);
        var m = font.Metrics;
        float baseline = TitleHeight / 2f - (m.Ascent + m.Descent) / 2f + 2f;
        canvas.DrawText(title, width / 2f, baseline, SKTextAlign.Center, font, paint);
    }
}
