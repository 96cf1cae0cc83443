using System.Globalization;
using System.Text;
using TransferSharp.Data;

namespace TransferSharp.ZeroShot;

/// <summary>
/// Reads an attribute table: a CSV whose header is <c>class,attribute1,attribute2,...</c> and whose rows are a class
/// name followed by one number per attribute (binary 0/1 or continuous).
/// </summary>
/// <remarks>
/// Separator ',' (or ';' / tab when the header uses it), invariant-culture numbers, double-quoted fields allowed.
/// Blank lines and lines starting with '#' are skipped. Every failure names the file and the line.
/// </remarks>
public static class AttributeTable
{
    /// <summary>Reads the table at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Missing file, no attributes, ragged row, non-number, duplicate class.</exception>
    public static ClassDescriptions Read(string path)
    {
        DataFile.RequireFile(path);
        List<(int Line, string Text)> lines;
        try
        {
            lines = File.ReadLines(path, Encoding.UTF8).Select((t, i) => (Line: i + 1, Text: t))
                .Where(l => !string.IsNullOrWhiteSpace(l.Text) && !l.Text.TrimStart().StartsWith('#')).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataFile.Error(path, $"cannot read: {e.Message}");
        }
        return Parse(path, lines);
    }

    /// <summary>Parses table text (used for the built-in tables and tests); <paramref name="source"/> names it in errors.</summary>
    internal static ClassDescriptions Parse(string source, string text) =>
        Parse(source, text.Split('\n').Select((t, i) => (Line: i + 1, Text: t.TrimEnd('\r')))
            .Where(l => !string.IsNullOrWhiteSpace(l.Text) && !l.Text.TrimStart().StartsWith('#')).ToList());

    private static ClassDescriptions Parse(string path, List<(int Line, string Text)> lines)
    {
        if (lines.Count == 0) throw DataFile.Error(path, "empty attribute table");
        char sep = lines[0].Text.Contains(',') ? ',' : lines[0].Text.Contains(';') ? ';' : lines[0].Text.Contains('\t') ? '\t' : ',';
        var header = Csv.Split(lines[0].Text, sep);
        if (header.Length < 2)
            throw DataFile.Error(path, $"line {lines[0].Line}: the header needs a class column and at least one attribute column, e.g. 'class,has_sleeves,worn_on_feet'");
        var attributes = header[1..];
        for (int a = 0; a < attributes.Length; a++)
        {
            if (attributes[a].Length == 0) throw DataFile.Error(path, $"line {lines[0].Line}: attribute column {a + 2} has no name");
            if (float.TryParse(attributes[a], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw DataFile.Error(path, $"line {lines[0].Line}: the first line must be a header naming the attributes, but column {a + 2} is the number '{attributes[a]}'");
        }
        var duplicate = attributes.GroupBy(a => a, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw DataFile.Error(path, $"line {lines[0].Line}: attribute '{duplicate.Key}' appears twice in the header");
        if (lines.Count == 1) throw DataFile.Error(path, "no classes, only a header");

        var names = new List<string>();
        var rows = new List<IReadOnlyList<float>>();
        var firstLine = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, text) in lines.Skip(1))
        {
            var fields = Csv.Split(text, sep);
            if (fields.Length != header.Length)
                throw DataFile.Error(path, $"line {line}: {fields.Length} fields, expected {header.Length} (a class name and {attributes.Length} attributes)");
            var name = fields[0];
            if (name.Length == 0) throw DataFile.Error(path, $"line {line}: empty class name");
            if (firstLine.TryGetValue(name, out int earlier))
                throw DataFile.Error(path, $"line {line}: class '{name}' is already described on line {earlier}");
            firstLine[name] = line;
            var values = new float[attributes.Length];
            for (int a = 0; a < attributes.Length; a++)
            {
                if (!float.TryParse(fields[a + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw DataFile.Error(path, $"line {line}, attribute '{attributes[a]}': '{fields[a + 1]}' is not a finite number");
                values[a] = v;
            }
            names.Add(name);
            rows.Add(values);
        }
        return new ClassDescriptions(path, DescriptionKind.Attributes, names, attributes, rows);
    }
}
