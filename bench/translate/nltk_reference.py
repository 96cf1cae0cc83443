"""Independent BLEU and chrF values for tests/TransferSharp.Tests/Translation/TranslationMetricsTests.cs.

Run with Debian's python3-nltk (3.8): /usr/bin/python3 bench/translate/nltk_reference.py
BLEU: NLTK corpus_bleu, weights (1/4)x4, SmoothingFunction().method3 (sacreBLEU's default "exp" smoothing), on tokens
split like TranslationMetrics.Tokenize (every punctuation or symbol character its own token, then whitespace).
chrF: NLTK corpus_chrf with beta=2 (n = 1..6, whitespace ignored).
"""
import unicodedata
from nltk.translate.bleu_score import corpus_bleu, SmoothingFunction
from nltk.translate.chrf_score import corpus_chrf

def tokenize(s):
    return "".join(f" {c} " if unicodedata.category(c)[0] in "PS" else c for c in s).split()

CASES = {
    "matching": (
        ["quatre-vingt-dix-neuf mille deux cent treize", "one thousand two hundred and forty-four", "the cat sat on the mat today"],
        ["quatre-vingt-dix-neuf mille deux cent trois", "one thousand two hundred and thirty-four", "the cat is on the mat"]),
    "smoothed": (
        ["nine hundred ninety thousand", "achtzehn tausend und zwei"],
        ["ninety-nine thousand nine hundred", "achtzehntausendzwei und so"]),
}
for name, (hyps, refs) in CASES.items():
    bleu = corpus_bleu([[tokenize(r)] for r in refs], [tokenize(h) for h in hyps], smoothing_function=SmoothingFunction().method3)
    chrf = corpus_chrf(refs, hyps, beta=2)
    print(f"{name}: BLEU {100 * bleu!r} chrF {100 * chrf!r}")
