using TransferSharp.Translation;

namespace TransferSharp.Tests.Translation;

public sealed class TranslationMetricsTests
{
    // Expected values from NLTK 3.8 (Debian python3-nltk), computed independently of this library by
    //   /usr/bin/python3 bench/translate/nltk_reference.py
    // which printed
    //   matching: BLEU 66.76191940689507 chrF 78.40885542156406
    //   smoothed: BLEU 17.72557727917735 chrF 72.40051724138539
    // (corpus_bleu with method3 smoothing on tokens split like TranslationMetrics.Tokenize; corpus_chrf with beta=2).
    private static readonly string[] MatchingHyps = ["quatre-vingt-dix-neuf mille deux cent treize", "one thousand two hundred and forty-four", "the cat sat on the mat today"];
    private static readonly string[] MatchingRefs = ["quatre-vingt-dix-neuf mille deux cent trois", "one thousand two hundred and thirty-four", "the cat is on the mat"];
    private static readonly string[] SmoothedHyps = ["nine hundred ninety thousand", "achtzehn tausend und zwei"];
    private static readonly string[] SmoothedRefs = ["ninety-nine thousand nine hundred", "achtzehntausendzwei und so"];

    [Fact]
    public void Bleu_equals_nltk_corpus_bleu()
    {
        Assert.Equal(66.76191940689507, TranslationMetrics.Bleu(MatchingHyps, MatchingRefs), 9);
        // No 4-gram matches anywhere: only the smoothing keeps it above zero.
        Assert.Equal(17.72557727917735, TranslationMetrics.Bleu(SmoothedHyps, SmoothedRefs), 9);
    }

    [Fact]
    public void ChrF_equals_nltk_corpus_chrf_with_beta_2()
    {
        Assert.Equal(78.40885542156406, TranslationMetrics.ChrF(MatchingHyps, MatchingRefs), 9);
        Assert.Equal(72.40051724138539, TranslationMetrics.ChrF(SmoothedHyps, SmoothedRefs), 9);
    }

    [Fact]
    public void Identical_output_scores_100_and_exact_match_counts_sentences()
    {
        Assert.Equal(100, TranslationMetrics.Bleu(MatchingRefs, MatchingRefs), 9);
        Assert.Equal(100, TranslationMetrics.ChrF(MatchingRefs, MatchingRefs), 9);
        Assert.Equal(1 / 3.0, TranslationMetrics.ExactMatch(["a", "b", "c"], ["a", "x", "y"]), 12);
        Assert.Equal(0, TranslationMetrics.Bleu(["zzz yyy"], ["one two three four"]));
    }

    [Fact]
    public void Tokenize_splits_punctuation_off_words()
    {
        Assert.Equal(["quatre", "-", "vingt", "-", "dix"], TranslationMetrics.Tokenize("quatre-vingt-dix"));
        Assert.Equal(["구만구천"], TranslationMetrics.Tokenize("구만구천"));
    }

    [Fact]
    public void Mismatched_lists_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TranslationMetrics.Bleu(["a"], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => TranslationMetrics.ChrF([], []));
    }
}
