using System.Text;

namespace TransferSharp.Translation;

/// <summary>
/// One character vocabulary over all languages together, with a target-language token <c>&lt;2xx&gt;</c> per
/// language (Johnson et al. 2017). Characters, not words: German writes a number as one compound word
/// ("neunundneunzigtausend"), so a word vocabulary could not spell an unseen number.
/// </summary>
/// <remarks>
/// Ids: 0 <c>&lt;pad&gt;</c>, 1 <c>&lt;bos&gt;</c>, 2 <c>&lt;eos&gt;</c>, 3 <c>&lt;unk&gt;</c>, then one
/// <c>&lt;2xx&gt;</c> per language in the given order, then the characters (Unicode scalar values) in ordinal order.
/// Decode(Encode(s)) == s for every string of known characters.
/// </remarks>
public sealed class CharTokenizer : ITranslationTokenizer
{
    /// <summary><c>chars</c>.</summary>
    public const string Name = "chars";

    /// <summary>Padding id.</summary>
    public const int Pad = 0;
    /// <summary>Start of the decoder's input.</summary>
    public const int Bos = 1;
    /// <summary>End of a sentence.</summary>
    public const int Eos = 2;
    /// <summary>A character the vocabulary lacks.</summary>
    public const int Unknown = 3;
    private const int Specials = 4;

    private readonly Dictionary<int, int> idOfRune;
    private readonly int[] runes;
    private readonly Dictionary<string, int> idOfLanguage;

    /// <summary>A tokenizer for <paramref name="languages"/> whose characters are those of <paramref name="text"/>.</summary>
    public CharTokenizer(IReadOnlyList<string> languages, IEnumerable<string> text)
        : this(languages, text.SelectMany(s => s.EnumerateRunes()).Select(r => r.Value).Distinct().Order().ToArray()) { }

    private CharTokenizer(IReadOnlyList<string> languages, int[] characters)
    {
        Languages = languages.ToArray();
        idOfLanguage = Languages.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => Specials + x.i, StringComparer.Ordinal);
        runes = characters;
        idOfRune = runes.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => Specials + Languages.Count + x.i);
    }

    /// <inheritdoc/>
    public string Kind => Name;

    /// <summary>The languages that have a <c>&lt;2xx&gt;</c> token.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>Specials, language tokens and characters.</summary>
    public int VocabularySize => Specials + Languages.Count + runes.Length;

    /// <summary>The characters known, as a string (saved with the checkpoint).</summary>
    public string Characters => string.Concat(runes.Select(r => new Rune(r).ToString()));

    /// <summary>The tokenizer saved as <see cref="Languages"/> and <see cref="Characters"/>.</summary>
    public static CharTokenizer FromSaved(IReadOnlyList<string> languages, string characters) =>
        new(languages, characters.EnumerateRunes().Select(r => r.Value).ToArray());

    /// <summary>The id of <c>&lt;2xx&gt;</c> for <paramref name="language"/>.</summary>
    /// <exception cref="ArgumentException">A language the model was not trained for.</exception>
    public int LanguageToken(string language) => idOfLanguage.TryGetValue(language, out int id) ? id
        : throw new ArgumentException($"the model knows no language '{language}' (it knows {string.Join(", ", Languages)})");

    /// <summary>The characters' ids (no specials); unknown characters become <see cref="Unknown"/>.</summary>
    public int[] Encode(string text) => text.EnumerateRunes().Select(r => idOfRune.GetValueOrDefault(r.Value, Unknown)).ToArray();

    /// <summary>Encoder input: <c>&lt;2target&gt;</c>, the characters, <c>&lt;eos&gt;</c>.</summary>
    public int[] EncodeSource(string text, string targetLanguage) => [LanguageToken(targetLanguage), .. Encode(text), Eos];

    /// <summary>Text of <paramref name="ids"/>: stops at the first <see cref="Eos"/>, skips other specials and language tokens.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var sb = new StringBuilder();
        int first = Specials + Languages.Count;
        foreach (int id in ids)
        {
            if (id == Eos) break;
            if (id >= first && id - first < runes.Length) sb.Append(new Rune(runes[id - first]).ToString());
            else if (id == Unknown) sb.Append('\uFFFD');
        }
        return sb.ToString();
    }
}
