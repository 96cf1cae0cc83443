using System.Globalization;
using System.Text;

namespace TransferSharp.Translation;

/// <summary>A plain pair file: <c>source&lt;TAB&gt;target</c> per line, in the languages of <see cref="Direction"/>.</summary>
/// <param name="Direction">The file's languages: its first column is <c>Direction.Source</c>, its second <c>Direction.Target</c>.</param>
/// <param name="Path">The file.</param>
public sealed record PairFile(TranslationDirection Direction, string Path)
{
    /// <summary>Parses <c>en-fr=data/en-fr.tsv</c>; <paramref name="option"/> (e.g. <c>--pairs</c>) starts every error.</summary>
    /// <exception cref="ArgumentException">No '=', a malformed, unknown or repeated language code.</exception>
    public static PairFile Parse(string text, string option)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1) throw new ArgumentException($"{option} '{text}': write LANG-LANG=FILE, e.g. {option} en-fr=data/en-fr.tsv");
        var codes = text[..eq].Trim().Split('-');
        if (codes.Length != 2) throw new ArgumentException($"{option} '{text}': '{text[..eq]}' is not two language codes, e.g. en-fr");
        foreach (var code in codes)
        {
            if (!CorpusFile.IsLanguageCode(code)) throw new ArgumentException($"{option} '{text}': '{code}' is not a language code (two or three lower-case letters, ISO 639)");
            if (!PairFiles.IsKnownLanguage(code)) throw new ArgumentException($"{option} '{text}': '{code}' is not a known ISO 639 language code");
        }
        if (codes[0] == codes[1]) throw new ArgumentException($"{option} '{text}': a pair file's two languages must differ, got {codes[0]} twice");
        return new PairFile(new TranslationDirection(codes[0], codes[1]), text[(eq + 1)..].Trim());
    }

    /// <summary><c>en-fr=path</c>.</summary>
    public override string ToString() => $"{Direction}={Path}";
}

/// <summary>
/// Reads plain pair files (<see cref="PairFile"/>) into one sparse <see cref="ParallelCorpus"/>. Pair files are not
/// multi-parallel: the lines of en-fr.tsv and en-de.tsv are in general different sentences, so each line becomes a row
/// known in its two languages only; with <c>merge</c>, a line whose sentence in one language equals a row's sentence in
/// that language (and whose other language that row still lacks) joins the row instead, so meanings that happen to be in
/// several files become multi-parallel (a zero-shot direction can then be tested on them). Every problem is one
/// <see cref="InvalidDataException"/> naming the file and the line.
/// </summary>
public static class PairFiles
{
    private static readonly Lazy<HashSet<string>> KnownCodes = new(() => CultureInfo.GetCultures(CultureTypes.NeutralCultures)
        .SelectMany(c => new[] { c.TwoLetterISOLanguageName, c.ThreeLetterISOLanguageName }).Where(CorpusFile.IsLanguageCode).ToHashSet(StringComparer.Ordinal));

    /// <summary>
    /// Whether <paramref name="code"/> is an ISO 639 language the runtime's culture data knows (any code of the right
    /// shape when the runtime has no culture data, as in invariant-globalization mode).
    /// </summary>
    public static bool IsKnownLanguage(string code) => KnownCodes.Value.Count == 0 || KnownCodes.Value.Contains(code);

    /// <summary>The rows of <paramref name="files"/>; languages in order of first appearance.</summary>
    /// <param name="files">At least one file; no direction twice.</param>
    /// <param name="merge">Join lines sharing a sentence into one row (see the class remarks); false keeps one row per line.</param>
    /// <param name="source">What <see cref="ParallelCorpus.Source"/> says; default the files' list.</param>
    /// <exception cref="ArgumentException">No file, or a direction given twice.</exception>
    /// <exception cref="FileNotFoundException">A missing file.</exception>
    /// <exception cref="InvalidDataException">Invalid UTF-8, an empty file, a line without exactly one TAB, or an empty side.</exception>
    public static ParallelCorpus Read(IReadOnlyList<PairFile> files, bool merge = true, string? source = null)
    {
        if (files.Count == 0) throw new ArgumentException("no pair file given");
        foreach (var g in files.GroupBy(f => f.Direction).Where(g => g.Count() > 1))
            throw new ArgumentException($"pair files: {g.Key} is given twice ({string.Join(", ", g.Select(f => f.Path))})");
        var languages = files.SelectMany(f => new[] { f.Direction.Source, f.Direction.Target }).Distinct().ToArray();
        var column = languages.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var rows = new List<string?[]>();
        var rowOf = new Dictionary<(int Column, string Text), int>();
        foreach (var file in files)
        {
            int a = column[file.Direction.Source], b = column[file.Direction.Target];
            foreach (var (first, second) in Lines(file))
            {
                int row = -1;
                if (merge && rowOf.TryGetValue((a, first), out int r1) && rows[r1][b] is null) row = r1;
                else if (merge && rowOf.TryGetValue((b, second), out int r2) && rows[r2][a] is null) row = r2;
                if (row < 0)
                {
                    row = rows.Count;
                    rows.Add(new string?[languages.Length]);
                }
                rows[row][a] = first;
                rows[row][b] = second;
                rowOf.TryAdd((a, first), row);
                rowOf.TryAdd((b, second), row);
            }
        }
        return new ParallelCorpus(languages, rows, source ?? string.Join(", ", files.Select(f => f.ToString())));
    }

    /// <summary>The file's (source, target) sentences, trimmed; blank lines skipped.</summary>
    private static List<(string, string)> Lines(PairFile file)
    {
        var path = file.Path;
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file (pair file for {file.Direction})", path);
        var bytes = File.ReadAllBytes(path);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: not valid UTF-8 (line {1 + bytes.Take(Math.Max(0, e.Index)).Count(x => x == (byte)'\n')})");
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var lines = text.Split('\n');
        var pairs = new List<(string, string)>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            int tabs = line.Count(c => c == '\t');
            if (tabs != 1)
                throw new InvalidDataException($"{path} line {i + 1}: {tabs} TABs; a pair file has one per line ({file.Direction.Source}<TAB>{file.Direction.Target})");
            var cells = line.Split('\t').Select(c => c.Trim()).ToArray();
            if (cells[0].Length == 0) throw new InvalidDataException($"{path} line {i + 1}: the {file.Direction.Source} side is empty");
            if (cells[1].Length == 0) throw new InvalidDataException($"{path} line {i + 1}: the {file.Direction.Target} side is empty");
            pairs.Add((cells[0], cells[1]));
        }
        if (pairs.Count == 0) throw new InvalidDataException($"{path}: empty file (a pair file has one {file.Direction.Source}<TAB>{file.Direction.Target} pair per line)");
        return pairs;
    }
}
