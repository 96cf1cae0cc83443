using System.Globalization;
using System.Text;

namespace TransferSharp.Data;

/// <summary>
/// Reader for tabular data: numeric feature columns plus one label column, as float32 <c>(N, D)</c> and int64 <c>(N)</c>.
/// The file may be gzip-compressed (detected by its magic bytes, e.g. a <c>.csv.gz</c>).
/// </summary>
/// <remarks>
/// Numbers use the invariant culture (a '.' decimal point). The separator is ',' unless the first line uses ';' or
/// tabs instead. Fields may be double-quoted (no line breaks inside quotes). Blank lines are skipped. Labels may be
/// integers or strings; class names are the distinct labels sorted (integers numerically, strings ordinally) and a
/// label's class index is its position in that order.
/// </remarks>
internal static class Csv
{
    private static readonly string[] LabelNames = ["label", "class", "target"];

    /// <summary>Reads a CSV file of numeric features and a label column.</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">
    /// The label column: a header name (case-insensitive) or a 0-based column index. Default: the column named
    /// <c>label</c>, <c>class</c> or <c>target</c> if the header has one, else the last column.
    /// </param>
    /// <param name="hasHeader">
    /// Whether the first line is a header. Default: detected (a header has a non-numeric field where the second
    /// line has a number, or names <paramref name="labelColumn"/>).
    /// </param>
    /// <exception cref="InvalidDataException">The file is missing, empty, ragged, non-numeric or non-finite, or the label column is unknown.</exception>
    public static Dataset Read(string path, string? labelColumn = null, bool? hasHeader = null)
    {
        var lines = ReadLines(path).Select((t, i) => (Line: i + 1, Text: t)).Where(l => !string.IsNullOrWhiteSpace(l.Text)).ToList();
        if (lines.Count == 0) throw DataFile.Error(path, "empty file");

        char sep = DetectSeparator(lines[0].Text);
        var rows = lines.Select(l => Split(l.Text, sep)).ToList();
        int columns = rows[0].Length;
        if (columns < 2) throw DataFile.Error(path, $"line {lines[0].Line} has {columns} column; need at least one feature and a label (separator '{Show(sep)}')");
        for (int r = 1; r < rows.Count; r++)
            if (rows[r].Length != columns)
                throw DataFile.Error(path, $"ragged row: line {lines[r].Line} has {rows[r].Length} fields, expected {columns} (as on line {lines[0].Line})");

        bool header = hasHeader ?? DetectHeader(rows, labelColumn);
        string[]? names = header ? rows[0] : null;
        int first = header ? 1 : 0;
        if (rows.Count == first) throw DataFile.Error(path, "no data rows, only a header");
        int labelAt = FindLabelColumn(path, names, columns, labelColumn);

        int n = rows.Count - first, d = columns - 1;
        if ((long)n * d > Array.MaxLength)
            throw DataFile.Error(path, $"{n} rows of {d} features are {(long)n * d} values, more than one array holds ({Array.MaxLength})");
        var features = new float[(long)n * d];
        var labelText = new string[n];
        for (int r = 0; r < n; r++)
        {
            var fields = rows[first + r];
            int line = lines[first + r].Line;
            for (int c = 0, j = 0; c < columns; c++)
            {
                if (c == labelAt)
                {
                    labelText[r] = fields[c].Length > 0 ? fields[c] : throw DataFile.Error(path, $"line {line}: empty label");
                    continue;
                }
                string column = names is null ? $"column {c + 1}" : $"column {c + 1} ('{names[c]}')";
                if (!float.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                    throw DataFile.Error(path, $"line {line}, {column}: '{fields[c]}' is not a number");
                if (!float.IsFinite(v))
                    throw DataFile.Error(path, $"line {line}, {column}: '{fields[c]}' is not a finite number");
                features[(long)r * d + j++] = v;
            }
        }

        var (labels, classNames) = EncodeLabels(labelText);
        using var scope = NewDisposeScope();
        var x = tensor(features, [n, d]);           // (N, D)
        var y = tensor(labels, ScalarType.Int64);   // (N)
        string labelName = names is null ? $"column {labelAt + 1}" : $"'{names[labelAt]}'";
        return new Dataset(NameOf(path), x, y, classNames,
            $"CSV {path}: {n} rows, {d} features, label {labelName}, {classNames.Length} classes");
    }

    /// <summary>Every line of the file, gunzipped first when it starts with the gzip magic (a <c>.csv.gz</c>).</summary>
    private static List<string> ReadLines(string path)
    {
        var bytes = DataFile.ReadAllBytes(path);
        if (Gzip.IsGzip(bytes)) bytes = Gzip.Decompress(path, bytes);
        // Parsed whole: the lines as UTF-16 (2 bytes per byte) and their fields as strings (object headers and
        // lengths: about 10 more per byte of short numeric fields) are held at once, so check that first.
        MemoryBudget.RequireForFile(path, (Int128)bytes.LongLength * 12, $"parsing {bytes.LongLength} bytes of CSV text");
        // UTF-8 unless a byte-order mark says otherwise, as File.ReadLines(path, Encoding.UTF8) reads.
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    /// <summary><c>iris.csv.gz</c> and <c>iris.csv</c> are both named <c>iris</c>.</summary>
    private static string NameOf(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = name[..^3];
        return Path.GetFileNameWithoutExtension(name);
    }

    /// <summary>Integers sort numerically (their canonical text becomes the name); anything else sorts ordinally.</summary>
    private static (long[] Labels, string[] ClassNames) EncodeLabels(string[] text)
    {
        var numbers = new long[text.Length];
        bool integers = true;
        for (int i = 0; i < text.Length && integers; i++)
            integers = long.TryParse(text[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out numbers[i]);
        string[] keys = integers ? numbers.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray() : text;
        string[] classNames = integers
            ? numbers.Distinct().Order().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray()
            : text.Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = classNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => (long)p.i, StringComparer.Ordinal);
        return (keys.Select(k => index[k]).ToArray(), classNames);
    }

    private static int FindLabelColumn(string path, string[]? names, int columns, string? labelColumn)
    {
        if (labelColumn is null)
        {
            int named = names is null ? -1 : Array.FindIndex(names, h => LabelNames.Contains(h, StringComparer.OrdinalIgnoreCase));
            return named >= 0 ? named : columns - 1;
        }
        if (names is not null)
        {
            int named = Array.FindIndex(names, h => string.Equals(h, labelColumn, StringComparison.OrdinalIgnoreCase));
            if (named >= 0) return named;
        }
        if (int.TryParse(labelColumn, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < columns)
            return index;
        throw DataFile.Error(path, names is null
            ? $"unknown label column '{labelColumn}': the file has no header and {columns} columns (indices 0..{columns - 1})"
            : $"unknown label column '{labelColumn}' (columns: {string.Join(", ", names)})");
    }

    /// <summary>A header has a non-numeric field above a number, or is all text on a file of one line, or names the label column.</summary>
    private static bool DetectHeader(List<string[]> rows, string? labelColumn)
    {
        var top = rows[0];
        if (labelColumn is not null && top.Contains(labelColumn, StringComparer.OrdinalIgnoreCase)) return true;
        if (rows.Count == 1) return top.All(f => !IsNumber(f));
        return top.Where((f, c) => !IsNumber(f) && IsNumber(rows[1][c])).Any();
    }

    private static bool IsNumber(string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>',' unless the first line has more ';' (or more tabs) than commas.</summary>
    private static char DetectSeparator(string firstLine)
    {
        int commas = firstLine.Count(ch => ch == ','), semicolons = firstLine.Count(ch => ch == ';'), tabs = firstLine.Count(ch => ch == '\t');
        if (tabs > commas && tabs > semicolons) return '\t';
        if (semicolons > commas) return ';';
        return ',';
    }

    /// <summary>Splits one line; a field wrapped in double quotes may hold the separator, and "" stands for a quote.</summary>
    internal static string[] Split(string line, char sep)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch != '"') field.Append(ch);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (ch == '"') quoted = true;
            else if (ch == sep) { fields.Add(field.ToString().Trim()); field.Clear(); }
            else field.Append(ch);
        }
        fields.Add(field.ToString().Trim());
        return fields.ToArray();
    }

    private static string Show(char sep) => sep == '\t' ? "\\t" : sep.ToString();
}
