using SkiaSharp;

namespace TransferSharp.Reporting;

/// <summary>
/// A labelled grid of coloured cells (white for 0 to dark blue for the largest value) with optional text in every
/// cell, saved as PNG: a confusion matrix, an attribute table, any small matrix of plain numbers.
/// </summary>
/// <remarks>
/// Layout, in pixels: a margin of 10 all round; the title band (<see cref="TitleHeight"/>) on top; row labels at the
/// left, column labels written vertically under the grid, then the axis titles; cells of
/// <see cref="CellSize"/> squared. Non-finite values are drawn grey.
/// </remarks>
public static class Heatmap
{
    /// <summary>Side of one cell.</summary>
    public const int CellSize = 46;
    /// <summary>Height of the title band.</summary>
    public const int TitleHeight = 34;
    /// <summary>The most rows or columns drawn.</summary>
    public const int MaxSide = 100;

    private const int Margin = 10;

    /// <summary>
    /// Saves <paramref name="values"/> <c>[rows, columns]</c> as a heatmap PNG at <paramref name="path"/> (atomically).
    /// Colours scale from 0 to the largest finite value (or 1 when all are in [0, 1]).
    /// </summary>
    /// <param name="path">The PNG file; its folder must exist.</param>
    /// <param name="values">The matrix; at least 1x1, at most <see cref="MaxSide"/> on a side.</param>
    /// <param name="rowLabels">One label per row.</param>
    /// <param name="columnLabels">One label per column.</param>
    /// <param name="title">Drawn above the grid.</param>
    /// <param name="cellText">Text per cell (e.g. counts); null writes each value to two decimals.</param>
    /// <param name="rowTitle">Axis title for the rows (e.g. "true class").</param>
    /// <param name="columnTitle">Axis title for the columns (e.g. "predicted class").</param>
    /// <exception cref="ArgumentException">Shapes disagree or are out of range; the message says which.</exception>
    public static void Save(string path, double[,] values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string title, string[,]? cellText = null, string? rowTitle = null, string? columnTitle = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        if (rows < 1 || cols < 1 || rows > MaxSide || cols > MaxSide)
            throw new ArgumentException($"a heatmap needs 1 to {MaxSide} rows and columns, got {rows}x{cols}", nameof(values));
        if (rowLabels.Count != rows) throw new ArgumentException($"{rowLabels.Count} row labels for {rows} rows", nameof(rowLabels));
        if (columnLabels.Count != cols) throw new ArgumentException($"{columnLabels.Count} column labels for {cols} columns", nameof(columnLabels));
        if (cellText is not null && (cellText.GetLength(0) != rows || cellText.GetLength(1) != cols))
            throw new ArgumentException($"cell text is {cellText.GetLength(0)}x{cellText.GetLength(1)}, the values {rows}x{cols}", nameof(cellText));

        double max = 0;
        foreach (var v in values) if (double.IsFinite(v)) max = Math.Max(max, v);
        if (max <= 1) max = 1;

        using var typeface = SansFont.Create();
        using var bold = SansFont.Create(bold: true);
        using var labelFont = new SKFont(typeface, 13) { Edging = SKFontEdging.Antialias };
        using var cellFont = new SKFont(typeface, 12) { Edging = SKFontEdging.Antialias };
        using var titleFont = new SKFont(bold, 16) { Edging = SKFontEdging.Antialias };
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var light = new SKPaint { Color = SKColors.White, IsAntialias = true };

        float rowLabelWidth = rowLabels.Max(l => labelFont.MeasureText(l, ink)) + 8;
        float colLabelHeight = columnLabels.Max(l => labelFont.MeasureText(l, ink)) + 8;
        float axisBand = 20;
        float gridLeft = Margin + (rowTitle is null ? 0 : axisBand) + rowLabelWidth;
        float gridTop = Margin + TitleHeight;
        float gridWidth = cols * CellSize, gridHeight = rows * CellSize;
        float titleWidth = titleFont.MeasureText(title, ink);
        int width = (int)Math.Ceiling(Math.Max(gridLeft + gridWidth + Margin, titleWidth * 1.1f + 4 * Margin));
        int height = (int)Math.Ceiling(gridTop + gridHeight + colLabelHeight + (columnTitle is null ? 0 : axisBand) + Margin);

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.DrawText(title, width / 2f, Margin + TitleHeight / 2f + 4, SKTextAlign.Center, titleFont, ink);

        using var fill = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        using var grid = new SKPaint { Color = new SKColor(200, 200, 200), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = values[r, c];
                double t = double.IsFinite(v) ? Math.Clamp(v / max, 0, 1) : double.NaN;
                fill.Color = double.IsNaN(t) ? new SKColor(190, 190, 190) : Blend(t);
                var rect = SKRect.Create(gridLeft + c * CellSize, gridTop + r * CellSize, CellSize, CellSize);
                canvas.DrawRect(rect, fill);
                canvas.DrawRect(rect, grid);
                string text = cellText?[r, c] ?? (double.IsFinite(v) ? v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "-");
                if (text.Length > 0)
                    canvas.DrawText(text, rect.MidX, rect.MidY + 4, SKTextAlign.Center, cellFont, t > 0.55 ? light : ink);
            }

        for (int r = 0; r < rows; r++)
            canvas.DrawText(rowLabels[r], gridLeft - 6, gridTop + r * CellSize + CellSize / 2f + 4, SKTextAlign.Right, labelFont, ink);
        for (int c = 0; c < cols; c++)
        {
            canvas.Save();
            canvas.Translate(gridLeft + c * CellSize + CellSize / 2f + 4, gridTop + gridHeight + 6);
            canvas.RotateDegrees(90);
            canvas.DrawText(columnLabels[c], 0, 0, SKTextAlign.Left, labelFont, ink);
            canvas.Restore();
        }
        if (columnTitle is not null)
            canvas.DrawText(columnTitle, gridLeft + gridWidth / 2f, height - Margin - 4, SKTextAlign.Center, labelFont, ink);
        if (rowTitle is not null)
        {
            canvas.Save();
            canvas.Translate(Margin + 14, gridTop + gridHeight / 2f);
            canvas.RotateDegrees(-90);
            canvas.DrawText(rowTitle, 0, 0, SKTextAlign.Center, labelFont, ink);
            canvas.Restore();
        }
        canvas.Flush();
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new IOException($"Encoding the heatmap as PNG for '{path}' failed.");
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }

    /// <summary>
    /// A confusion matrix: <paramref name="counts"/> <c>[true, predicted]</c> coloured by each row's share (recall),
    /// with the counts written in the cells.
    /// </summary>
    public static void SaveConfusion(string path, int[,] counts, IReadOnlyList<string> trueLabels, IReadOnlyList<string> predictedLabels, string title)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int rows = counts.GetLength(0), cols = counts.GetLength(1);
        var share = new double[rows, cols];
        var text = new string[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            long total = 0;
            for (int c = 0; c < cols; c++) total += counts[r, c];
            for (int c = 0; c < cols; c++)
            {
                share[r, c] = total == 0 ? 0 : counts[r, c] / (double)total;
                text[r, c] = counts[r, c].ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        Save(path, share, trueLabels, predictedLabels, title, text, "true class", "predicted class");
    }

    // White to a dark blue (#08306b), through the matplotlib "Blues" end points.
    private static SKColor Blend(double t) => new(
        (byte)Math.Round(255 + (8 - 255) * t),
        (byte)Math.Round(255 + (48 - 255) * t),
        (byte)Math.Round(255 + (107 - 255) * t));
}
