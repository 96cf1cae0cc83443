using System.Globalization;
using System.Text;
using TransferSharp.Data;

namespace TransferSharp.ZeroShot;

/// <summary>A line of a word-vector file that was skipped, and why.</summary>
public sealed record SkippedLine(int Line, string Reason);

/// <summary>What reading a word-vector file found: lines skipped and class-name words without a vector.</summary>
/// <param name="Dimension">Length of the vectors.</param>
/// <param name="Words">Word lines read successfully.</param>
/// <param name="Skipped">Malformed lines (wrong number of values, non-numbers), in file order.</param>
/// <param name="MissingWords">For each class, the words of its name that have no vector (classes with none omitted).</param>
/// <param name="Matched">For each class, the words whose vectors were averaged.</param>
public sealed record WordVectorReport(int Dimension, int Words, IReadOnlyList<SkippedLine> Skipped,
    IReadOnlyDictionary<string, IReadOnlyList<string>> MissingWords, IReadOnlyDictionary<string, IReadOnlyList<string>> Matched);

/// <summary>
/// Reads word vectors in the GloVe text format (<c>word v1 ... vD</c> per line) or word2vec's text format (the same
/// after a <c>count dimension</c> header line) and turns them into class descriptions.
/// </summary>
/// <remarks>
/// A class is described by the vector of its whole name (spaces as '_', as word2vec phrases are written) when the file
/// has one, else by the average of the vectors of its words (the name split at every non-letter, non-digit:
/// <c>T-shirt/top</c> → <c>T</c>, <c>shirt</c>, <c>top</c>), each looked up as written and then in lower case.
/// Words without a vector are reported; a class none of whose words has a vector is an error. Malformed lines are
/// skipped and reported (line number and reason); a file with no usable line is an error.
/// </remarks>
public static class WordVectors
{
    /// <summary>Reads the vectors <paramref name="classNames"/> need from the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Missing or empty file, no usable line, or a class with no vector.</exception>
    public static (ClassDescriptions Descriptions, WordVectorReport Report) Read(string path, IReadOnlyList<string> classNames)
    {
        DataFile.RequireFile(path);
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            return Read(path, ReadLines(reader), classNames);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataFile.Error(path, $"cannot read: {e.Message}");
        }
    }

    private static IEnumerable<string> ReadLines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>Reads from lines of text; <paramref name="source"/> names the file in messages.</summary>
    internal static (ClassDescriptions Descriptions, WordVectorReport Report) Read(string source, IEnumerable<string> lines, IReadOnlyList<string> classNames)
    {
        if (classNames.Count == 0) throw new ArgumentException("no class names to look up");
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in classNames)
            foreach (var w in Candidates(name)) wanted.Add(w);

        var found = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var skipped = new List<SkippedLine>();
        int dimension = -1, words = 0, lineNo = 0, dimensionLine = 0;
        var otherDimensions = new Dictionary<int, int>();   // values per line -> lines, for lines that disagree
        foreach (var raw in lines)
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (lineNo == 1 && fields.Length == 2 && int.TryParse(fields[0], out _) && int.TryParse(fields[1], out int headerDim) && headerDim > 0)
            {
                dimension = headerDim;   // word2vec text header: "count dimension"
                dimensionLine = lineNo;
                continue;
            }
            if (fields.Length < 2) { skipped.Add(new SkippedLine(lineNo, "a word with no values")); continue; }
            if (dimension < 0)
            {
                if (!AllNumbers(fields)) { skipped.Add(new SkippedLine(lineNo, "values that are not numbers")); continue; }
                dimension = fields.Length - 1;
                dimensionLine = lineNo;
            }
            if (fields.Length - 1 != dimension)
            {
                otherDimensions[fields.Length - 1] = otherDimensions.GetValueOrDefault(fields.Length - 1) + 1;
                skipped.Add(new SkippedLine(lineNo, $"{fields.Length - 1} values, expected {dimension}"));
                continue;
            }
            bool needed = wanted.Contains(fields[0]) && !found.ContainsKey(fields[0]);
            if (!needed)
            {
                // Only needed words are parsed, but every line is checked so malformed lines are reported.
                if (!AllNumbers(fields)) { skipped.Add(new SkippedLine(lineNo, "values that are not numbers")); continue; }
                words++;
                continue;
            }
            var v = new float[dimension];
            bool ok = true;
            for (int d = 0; d < dimension && ok; d++)
                ok = float.TryParse(fields[d + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out v[d]) && float.IsFinite(v[d]);
            if (!ok) { skipped.Add(new SkippedLine(lineNo, "values that are not numbers")); continue; }
            found[fields[0]] = v;
            words++;
        }
        if (lineNo == 0) throw DataFile.Error(source, "empty word-vector file");
        // The first line sets the dimension; when most lines disagree with it, it is that line that is wrong, not them.
        if (otherDimensions.Count > 0 && otherDimensions.MaxBy(kv => kv.Value) is var (common, count) && count > words)
            throw DataFile.Error(source, $"line {dimensionLine} sets the dimension to {dimension} but {count} other lines have {common} values " +
                                         $"(and only {words} have {dimension}): fix or remove line {dimensionLine}");
        if (words == 0)
            throw DataFile.Error(source, $"no usable word-vector line (expected 'word v1 ... vD'; {skipped.Count} malformed line(s), first: line {skipped.FirstOrDefault()?.Line}: {skipped.FirstOrDefault()?.Reason})");

        var vectors = new List<IReadOnlyList<float>>();
        var missing = new Dictionary<string, IReadOnlyList<string>>();
        var matched = new Dictionary<string, IReadOnlyList<string>>();
        var undescribed = new List<string>();
        foreach (var name in classNames)
        {
            var phrase = Phrase(name);
            if (Lookup(found, phrase) is { } whole)
            {
                vectors.Add(whole);
                matched[name] = [phrase];
                continue;
            }
            var parts = Words(name);
            var hits = parts.Select(w => (Word: w, Vector: Lookup(found, w))).ToArray();
            var present = hits.Where(h => h.Vector is not null).ToArray();
            var absent = hits.Where(h => h.Vector is null).Select(h => h.Word).ToArray();
            if (absent.Length > 0) missing[name] = absent;
            if (present.Length == 0) { undescribed.Add(name); continue; }
            matched[name] = present.Select(h => h.Word).ToArray();
            var mean = new float[dimension];
            foreach (var (_, vec) in present)
                for (int d = 0; d < dimension; d++) mean[d] += vec![d] / present.Length;
            vectors.Add(mean);
        }
        if (undescribed.Count > 0)
            throw DataFile.Error(source, "no word vector for class" + (undescribed.Count > 1 ? "es " : " ") +
                string.Join(", ", undescribed.Select(n => $"'{n}' (looked for {string.Join(", ", Words(n).Prepend(Phrase(n)).Distinct())})")) +
                "; every class needs a description");
        // An all-zero vector has no direction (its cosine similarity is NaN), and two classes with the same vector cannot
        // be told apart: either would make every prediction between them a coin toss, so refuse them here.
        for (int i = 0; i < vectors.Count; i++)
        {
            if (vectors[i].All(v => v == 0))
                throw DataFile.Error(source, $"the word vector of class '{classNames[i]}' is all zeros; it cannot describe the class");
            for (int j = 0; j < i; j++)
                if (vectors[i].SequenceEqual(vectors[j]))
                    throw DataFile.Error(source, $"classes '{classNames[j]}' and '{classNames[i]}' have the same word vector; they cannot be told apart");
        }
        var dims = Enumerable.Range(0, dimension).Select(d => $"d{d}").ToArray();
        var report = new WordVectorReport(dimension, words, skipped, missing, matched);
        return (new ClassDescriptions(source, DescriptionKind.WordVectors, classNames, dims, vectors), report);
    }

    /// <summary>The words of a class name: split at every character that is not a letter or digit.</summary>
    internal static string[] Words(string className) =>
        className.Split(className.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries);

    private static string Phrase(string className) => string.Join('_', className.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static IEnumerable<string> Candidates(string className)
    {
        foreach (var w in Words(className).Prepend(Phrase(className)))
        {
            yield return w;
            yield return w.ToLowerInvariant();
        }
    }

    private static float[]? Lookup(Dictionary<string, float[]> found, string word) =>
        found.TryGetValue(word, out var v) ? v : found.TryGetValue(word.ToLowerInvariant(), out v) ? v : null;

    private static bool AllNumbers(string[] fields)
    {
        for (int i = 1; i < fields.Length; i++)
            if (!float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v)) return false;
        return true;
    }
}
