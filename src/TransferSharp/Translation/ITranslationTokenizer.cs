namespace TransferSharp.Translation;

/// <summary>
/// One vocabulary over all languages together with a target-language token <c>&lt;2xx&gt;</c> per language. Ids 0..3
/// are the specials of <see cref="CharTokenizer"/> (<see cref="CharTokenizer.Pad"/>, <see cref="CharTokenizer.Bos"/>,
/// <see cref="CharTokenizer.Eos"/>, <see cref="CharTokenizer.Unknown"/>), then the language tokens, then the units
/// (characters for <see cref="CharTokenizer"/>, o200k pieces for <see cref="SubwordTokenizer"/>).
/// </summary>
public interface ITranslationTokenizer
{
    /// <summary>The tokenizer kinds, <see cref="TranslationOptions.Tokenizer"/>'s values.</summary>
    static IReadOnlyList<string> Kinds { get; } = [CharTokenizer.Name, SubwordTokenizer.Name];

    /// <summary>A new tokenizer of <paramref name="kind"/> for <paramref name="languages"/> whose units are those of <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">An unknown kind.</exception>
    static ITranslationTokenizer Create(string kind, IReadOnlyList<string> languages, IEnumerable<string> text) => kind switch
    {
        CharTokenizer.Name => new CharTokenizer(languages, text),
        SubwordTokenizer.Name => new SubwordTokenizer(languages, text),
        _ => throw new ArgumentException($"tokenizer '{kind}' is not one of {string.Join(", ", Kinds)}"),
    };

    /// <summary>Which tokenizer: <c>chars</c> or <c>o200k</c> (<see cref="TranslationOptions.Tokenizer"/>).</summary>
    string Kind { get; }

    /// <summary>The languages that have a <c>&lt;2xx&gt;</c> token.</summary>
    IReadOnlyList<string> Languages { get; }

    /// <summary>Specials, language tokens and units.</summary>
    int VocabularySize { get; }

    /// <summary>The id of <c>&lt;2xx&gt;</c> for <paramref name="language"/>.</summary>
    /// <exception cref="ArgumentException">A language the model was not trained for.</exception>
    int LanguageToken(string language);

    /// <summary>The units' ids (no specials).</summary>
    int[] Encode(string text);

    /// <summary>Encoder input: <c>&lt;2target&gt;</c>, the units, <c>&lt;eos&gt;</c>.</summary>
    int[] EncodeSource(string text, string targetLanguage) => [LanguageToken(targetLanguage), .. Encode(text), CharTokenizer.Eos];

    /// <summary>Text of <paramref name="ids"/>: stops at the first <see cref="CharTokenizer.Eos"/>, skips other specials and language tokens.</summary>
    string Decode(IEnumerable<int> ids);
}
