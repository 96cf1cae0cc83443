using System.IO.Compression;
using System.Reflection;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace TransferSharp.Translation;

/// <summary>
/// Subwords over all languages together: OpenAI's o200k_base byte-level BPE (GPT-4o's multilingual vocabulary, MIT,
/// from Microsoft.ML.Tokenizers.Data.O200kBase), cut down to a compact vocabulary so the embedding stays small: the 256
/// single-byte pieces plus the pieces the training text uses. A piece outside the compact vocabulary is written as its
/// bytes' pieces, so every string round-trips (Decode(Encode(s)) == s) and <see cref="CharTokenizer.Unknown"/> is
/// never produced.
/// </summary>
/// <remarks>
/// Ids: the four specials of <see cref="CharTokenizer"/>, one <c>&lt;2xx&gt;</c> per language, then the kept o200k
/// pieces in o200k id order (<see cref="Pieces"/>, saved with the checkpoint).
/// </remarks>
public sealed class SubwordTokenizer : ITranslationTokenizer
{
    /// <summary><c>o200k</c>.</summary>
    public const string Name = "o200k";
    private const int Specials = 4;
    private static readonly Lazy<TiktokenTokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<(Dictionary<int, byte[]> Bytes, int[] ByteIds)> Table = new(ReadTable);

    private readonly int[] pieces;
    private readonly Dictionary<int, int> idOfPiece;
    private readonly byte[][] bytesOfPiece;
    private readonly Dictionary<string, int> idOfLanguage;

    /// <summary>A tokenizer for <paramref name="languages"/> keeping the o200k pieces of <paramref name="text"/> (and every single byte).</summary>
    public SubwordTokenizer(IReadOnlyList<string> languages, IEnumerable<string> text)
        : this(languages, text.SelectMany(s => O200k.Value.EncodeToIds(s)).Concat(ByteIds()).Distinct().Order().ToArray()) { }

    private SubwordTokenizer(IReadOnlyList<string> languages, int[] kept)
    {
        Languages = languages.ToArray();
        idOfLanguage = Languages.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => Specials + x.i, StringComparer.Ordinal);
        pieces = kept;
        idOfPiece = pieces.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => Specials + Languages.Count + x.i);
        bytesOfPiece = pieces.Select(BytesOf).ToArray();
    }

    /// <inheritdoc/>
    public string Kind => Name;

    /// <inheritdoc/>
    public IReadOnlyList<string> Languages { get; }

    /// <inheritdoc/>
    public int VocabularySize => Specials + Languages.Count + pieces.Length;

    /// <summary>The o200k ids kept, in compact-id order (saved with the checkpoint).</summary>
    public IReadOnlyList<int> Pieces => pieces;

    /// <summary>The tokenizer saved as <see cref="Languages"/> and <see cref="Pieces"/>.</summary>
    /// <exception cref="InvalidDataException">A piece that is not an o200k id.</exception>
    public static SubwordTokenizer FromSaved(IReadOnlyList<string> languages, IReadOnlyList<int> pieces)
    {
        foreach (int p in pieces)
            if (!Table.Value.Bytes.ContainsKey(p) && O200k.Value.SpecialTokens?.Values.Contains(p) != true) throw new InvalidDataException($"{p} is not an o200k_base id");
        return new SubwordTokenizer(languages, pieces.Distinct().Order().ToArray());
    }

    /// <inheritdoc/>
    public int LanguageToken(string language) => idOfLanguage.TryGetValue(language, out int id) ? id
        : throw new ArgumentException($"the model knows no language '{language}' (it knows {string.Join(", ", Languages)})");

    /// <summary>The o200k pieces' compact ids; a piece not kept becomes its bytes' pieces.</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        foreach (int piece in O200k.Value.EncodeToIds(text))
        {
            if (idOfPiece.TryGetValue(piece, out int id)) ids.Add(id);
            else foreach (byte b in BytesOf(piece)) ids.Add(idOfPiece[ByteId(b)]);
        }
        return ids.ToArray();
    }

    /// <summary>Encoder input: <c>&lt;2target&gt;</c>, the pieces, <c>&lt;eos&gt;</c>.</summary>
    public int[] EncodeSource(string text, string targetLanguage) => [LanguageToken(targetLanguage), .. Encode(text), CharTokenizer.Eos];

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids)
    {
        // Pieces are bytes, not characters: a Korean syllable may be split over two; invalid sequences (a model's
        // output may hold any) decode to U+FFFD.
        var bytes = new List<byte>();
        var sb = new StringBuilder();
        int first = Specials + Languages.Count;
        foreach (int id in ids)
        {
            if (id == CharTokenizer.Eos) break;
            if (id >= first && id - first < pieces.Length) bytes.AddRange(bytesOfPiece[id - first]);
            else if (id == CharTokenizer.Unknown)
            {
                sb.Append(Encoding.UTF8.GetString(bytes.ToArray())).Append('\uFFFD');
                bytes.Clear();
            }
        }
        return sb.Append(Encoding.UTF8.GetString(bytes.ToArray())).ToString();
    }

    private static byte[] BytesOf(int piece) => Table.Value.Bytes.TryGetValue(piece, out var b) ? b
        : Encoding.UTF8.GetBytes(O200k.Value.Decode([piece]) ?? "");   // a special token such as <|endoftext|>

    private static int ByteId(byte b) => Table.Value.ByteIds[b];

    private static IEnumerable<int> ByteIds() => Table.Value.ByteIds;

    /// <summary>
    /// Each o200k id's bytes, and the id of each single byte. Microsoft.ML.Tokenizers 2.0 keeps its id → bytes map
    /// internal, so the table is read from the data package's own resource (deflate-compressed): a <c>Capacity: N</c>
    /// line, then one base64 piece a line, the line's index being its id (tiktoken's <c>base64 id</c> lines are read too).
    /// The round-trip tests check it against the library's encoder.
    /// </summary>
    private static (Dictionary<int, byte[]>, int[]) ReadTable()
    {
        var assembly = Assembly.Load("Microsoft.ML.Tokenizers.Data.O200kBase");
        using var resource = assembly.GetManifestResourceStream("o200k_base.tiktoken.deflate")
            ?? throw new InvalidOperationException("Microsoft.ML.Tokenizers.Data.O200kBase has no o200k_base.tiktoken.deflate resource");
        using var reader = new StreamReader(new DeflateStream(resource, CompressionMode.Decompress));
        var bytes = new Dictionary<int, byte[]>();
        var byteIds = Enumerable.Repeat(-1, 256).ToArray();
        int next = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            int space = line.IndexOf(' ');
            var piece = Convert.FromBase64String(space < 0 ? line : line[..space]);
            int id = space < 0 ? next : int.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            next = id + 1;
            bytes[id] = piece;
            if (piece.Length == 1) byteIds[piece[0]] = id;
        }
        if (byteIds.Contains(-1)) throw new InvalidOperationException("o200k_base lacks a single-byte piece");
        return (bytes, byteIds);
    }
}
