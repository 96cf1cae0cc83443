using System.Globalization;
using Humanizer;

namespace TransferSharp.Translation;

/// <summary>How the built-in <c>numbers</c> corpus is drawn.</summary>
public sealed record NumbersCorpusOptions
{
    /// <summary>Languages (culture codes Humanizer writes numbers in). Default en, fr, de.</summary>
    public IReadOnlyList<string> Languages { get; init; } = ["en", "fr", "de"];
    /// <summary>Numbers are drawn from 0..<see cref="Maximum"/>. Default 999 (what a small model learns in minutes on a CPU).</summary>
    public int Maximum { get; init; } = 999;
    /// <summary>Training rows. Default 700.</summary>
    public int Train { get; init; } = 700;
    /// <summary>Validation rows. Default 100.</summary>
    public int Validation { get; init; } = 100;
    /// <summary>Test rows. Default 200.</summary>
    public int Test { get; init; } = 200;
    /// <summary>Seeds which numbers go where. Default 0.</summary>
    public int Seed { get; init; }
}

/// <summary>
/// The built-in parallel corpus <c>numbers</c>: the same numbers written out as words in several languages by
/// Humanizer's <c>ToWords(CultureInfo)</c> ("ninety-nine" / "quatre-vingt-dix-neuf" / "neunundneunzig" / "구십구").
/// Training, validation and test hold disjoint sets of numbers, so the test measures composition, not memory.
/// </summary>
/// <remarks>
/// Humanizer answers in English for a culture it has no number converter for (Swahili, Hindi, Estonian, ...) instead
/// of failing; such a language would be English under another name, so <see cref="Create"/> refuses it.
/// </remarks>
public static class NumbersCorpus
{
    /// <summary>The corpus's name in <c>--corpus</c>.</summary>
    public const string Name = "numbers";

    /// <summary>The numbers the fallback check writes in both languages: different shapes (units, teens, tens, hundreds, thousands).</summary>
    private static readonly int[] Probe = [3, 7, 15, 21, 40, 99, 101, 342, 1000, 5678, 20_013, 99_999];

    /// <summary>Draws the three parts. Deterministic for the same options.</summary>
    /// <exception cref="ArgumentException">A bad count or range, an unknown culture, a duplicate language, or one
    /// Humanizer would silently write in English.</exception>
    public static CorpusSplits Create(NumbersCorpusOptions options)
    {
        var langs = options.Languages;
        if (langs.Count < 2) throw new ArgumentException($"the numbers corpus needs at least two languages, got {langs.Count}");
        if (langs.Distinct(StringComparer.OrdinalIgnoreCase).Count() != langs.Count)
            throw new ArgumentException($"a language appears twice in {string.Join(",", langs)}");
        if (options.Maximum < 10) throw new ArgumentException($"the numbers corpus needs a maximum of at least 10, got {options.Maximum}");
        if (options.Train < 1 || options.Validation < 1 || options.Test < 1)
            throw new ArgumentException($"train, validation and test sizes must be at least 1, got {options.Train}, {options.Validation}, {options.Test}");
        long total = (long)options.Train + options.Validation + options.Test;
        if (total > options.Maximum + 1L)
            throw new ArgumentException($"{total:N0} rows need {total:N0} different numbers but 0..{options.Maximum:N0} has only {options.Maximum + 1L:N0}");
        var cultures = langs.Select(Culture).ToArray();

        // A partial Fisher-Yates over 0..Maximum: the first `total` entries are distinct numbers.
        var rng = new Random(options.Seed);
        var pool = Enumerable.Range(0, options.Maximum + 1).ToArray();
        for (int i = 0; i < total; i++)
        {
            int j = rng.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        string source = $"{Name} 0..{options.Maximum} (Humanizer), seed {options.Seed}";
        ParallelCorpus Part(int skip, int take, string part) => new(langs, pool.Skip(skip).Take(take)
            .Select(n => cultures.Select(c => Words(n, c)).ToArray()), $"{source} ({part})");
        return new CorpusSplits(Part(options.Validation + options.Test, options.Train, "train"), Part(0, options.Validation, "validation"),
            Part(options.Validation, options.Test, "test"));
    }

    /// <summary>The numbers written in each language, for a sample or a check by hand.</summary>
    public static string Words(int number, string language) => Words(number, Culture(language));

    private static string Words(int number, CultureInfo culture) => number.ToWords(culture);

    /// <summary>The culture of <paramref name="language"/>, refused when unknown or when Humanizer writes it in English.</summary>
    private static CultureInfo Culture(string language)
    {
        CultureInfo culture;
        try
        {
            culture = CultureInfo.GetCultureInfo(language, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            throw new ArgumentException($"language '{language}' is not a known culture code (e.g. en, fr, de, es, ko, ja)");
        }
        if (culture.TwoLetterISOLanguageName == "en") return culture;
        var english = CultureInfo.GetCultureInfo("en");
        if (Probe.All(n => Words(n, culture) == Words(n, english)))
            throw new ArgumentException($"language '{language}': Humanizer has no number words for it and writes English instead " +
                                        "(e.g. ninety-nine), so it would be English under another name; choose another language");
        return culture;
    }
}
