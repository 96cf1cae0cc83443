using SkiaSharp;

namespace TransferSharp.Reporting;

/// <summary>Finds a sans-serif face installed on the machine, for labels and plot text.</summary>
internal static class SansFont
{
    // The NoDependencies native build has no fontconfig: a family it does not know falls back to
    // the first face it found (a serif one on Debian), so ask for common sans families by name.
    private static readonly string[] Candidates = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "FreeSans"];

    private static readonly Lazy<string?> Family = new(() =>
    {
        foreach (var name in Candidates)
        {
            using var typeface = SKFontManager.Default.MatchFamily(name);
            if (typeface is not null && string.Equals(typeface.FamilyName, name, StringComparison.OrdinalIgnoreCase))
                return name;
        }
        return null;
    });

    /// <summary>The family name of the first candidate installed, or <c>null</c> when none is.</summary>
    public static string? FamilyName => Family.Value;

    /// <summary>A typeface of <see cref="FamilyName"/>, or Skia's default (which may draw nothing on a machine without fonts).</summary>
    public static SKTypeface Create(bool bold = false)
    {
        var style = bold ? SKFontStyle.Bold : SKFontStyle.Normal;
        return (FamilyName is { } name ? SKFontManager.Default.MatchFamily(name, style) : null)
            ?? SKTypeface.CreateDefault();
    }
}
