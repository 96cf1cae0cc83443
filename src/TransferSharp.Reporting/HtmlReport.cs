using System.Net;
using System.Text;

namespace TransferSharp.Reporting;

/// <summary>
/// A self-contained HTML page: sections of text, tables and PNG pictures embedded as data URIs, so the single file
/// can be mailed or archived with nothing beside it.
/// </summary>
public sealed class HtmlReport
{
    private readonly StringBuilder body = new();

    /// <summary>Starts a report with a page title.</summary>
    public HtmlReport(string title) => Title = title;

    /// <summary>The page title (also the first heading).</summary>
    public string Title { get; }

    /// <summary>A section heading.</summary>
    public HtmlReport Heading(string text, string? id = null)
    {
        body.Append(id is null ? "<h2>" : $"<h2 id=\"{Enc(id)}\">").Append(Enc(text)).AppendLine("</h2>");
        return this;
    }

    /// <summary>A paragraph of plain text.</summary>
    public HtmlReport Paragraph(string text)
    {
        body.Append("<p>").Append(Enc(text)).AppendLine("</p>");
        return this;
    }

    /// <summary>A paragraph shown as a warning (e.g. a stage that failed).</summary>
    public HtmlReport Warning(string text)
    {
        body.Append("<p class=\"warn\">").Append(Enc(text)).AppendLine("</p>");
        return this;
    }

    /// <summary>A table with a header row; cells are plain text.</summary>
    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        body.AppendLine("<table><thead><tr>");
        foreach (var h in header) body.Append("<th>").Append(Enc(h)).Append("</th>");
        body.AppendLine("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            if (row.Count != header.Count) throw new ArgumentException($"a table row has {row.Count} cells but the header has {header.Count}");
            body.Append("<tr>");
            foreach (var c in row) body.Append("<td>").Append(Enc(c)).Append("</td>");
            body.AppendLine("</tr>");
        }
        body.AppendLine("</tbody></table>");
        return this;
    }

    /// <summary>Embeds a PNG file with a caption. A missing file becomes a visible note, not an exception.</summary>
    public HtmlReport Picture(string pngPath, string caption)
    {
        if (!File.Exists(pngPath)) return Warning($"picture missing: {Path.GetFileName(pngPath)}");
        var data = Convert.ToBase64String(File.ReadAllBytes(pngPath));
        body.Append("<figure><img alt=\"").Append(Enc(caption)).Append("\" src=\"data:image/png;base64,").Append(data)
            .Append("\"><figcaption>").Append(Enc(caption)).AppendLine("</figcaption></figure>");
        return this;
    }

    /// <summary>The whole page.</summary>
    public string Render() =>
        $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{Enc(Title)}</title>
        <style>
        body {"{"} font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; {"}"}
        h1 {"{"} border-bottom: 2px solid #444; {"}"} h2 {"{"} margin-top: 2em; border-bottom: 1px solid #ccc; {"}"}
        table {"{"} border-collapse: collapse; margin: 1em 0; {"}"}
        th, td {"{"} border: 1px solid #bbb; padding: 4px 10px; text-align: left; {"}"} th {"{"} background: #f0f0f0; {"}"}
        figure {"{"} display: inline-block; margin: 0.5em 1em 0.5em 0; {"}"} img {"{"} max-width: 100%; border: 1px solid #ddd; {"}"}
        figcaption {"{"} font-size: 0.9em; color: #555; {"}"} .warn {"{"} color: #a00; font-weight: bold; {"}"}
        </style></head>
        <body><h1>{Enc(Title)}</h1>
        {body}</body></html>
        """;

    /// <summary>Writes the page atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, Render());

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
