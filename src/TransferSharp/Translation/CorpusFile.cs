using System.Text;

namespace TransferSharp.Translation;

/// <summary>
/// Reads a user's multi-parallel corpus: a TSV (or CSV) file whose header names one language code per column and
/// whose every following line holds the same meaning in each language. Every problem is one
/// <see cref="InvalidDataException"/> naming the file and the line.
/// </summary>
public static class CorpusFile
{
    /// <summary>Reads <paramref name="path"/>; tab-separated, or comma-separated when the name ends in <c>.csv</c> (no quoting).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Invalid UTF-8, an empty file, a bad header, or a bad row.</exception>
    public static ParallelCorpus Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file (give --corpus numbers or a TSV/CSV file)", path);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: not valid UTF-8 (line {LineOf(File.ReadAllBytes(path), e.Index)})");
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        char separator = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ',' : '\t';
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.All(string.IsNullOrWhiteSpace)) throw new InvalidDataException($"{path}: empty file");
        var header = lines[0].Split(separator).Select(h => h.Trim()).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var code in header)
        {
            if (!IsLanguageCode(code))
                throw new InvalidDataException($"{path} line 1: '{code}' is not a language code (the header names one language per column, e.g. en{(separator == '\t' ? "<TAB>" : ",")}fr)");
            if (!seen.Add(code)) throw new InvalidDataException($"{path} line 1: language '{code}' appears twice");
        }
        if (header.Length < 2) throw new InvalidDataException($"{path} line 1: a parallel corpus needs at least two language columns, got {header.Length}");
        var rows = new List<string[]>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = lines[i].Split(separator).Select(c => c.Trim()).ToArray();
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{path} line {i + 1}: {cells.Length} columns, the header has {header.Length}");
            int empty = Array.FindIndex(cells, string.IsNullOrEmpty);
            if (empty >= 0) throw new InvalidDataException($"{path} line {i + 1}: the {header[empty]} sentence is empty");
            rows.Add(cells);
        }
        if (rows.Count == 0) throw new InvalidDataException($"{path}: a header but no sentences");
        return new ParallelCorpus(header, rows, path);
    }

    /// <summary>Two or three lower-case letters (ISO 639), as the language tokens <c>&lt;2xx&gt;</c> use them.</summary>
    public static bool IsLanguageCode(string code) => code.Length is 2 or 3 && code.All(c => c is >= 'a' and <= 'z');

    private static int LineOf(byte[] bytes, int index) => 1 + bytes.Take(Math.Max(0, index)).Count(b => b == (byte)'\n');
}
