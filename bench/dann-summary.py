#!/usr/bin/env python3
"""Which method would a default have to be: each method's target accuracy averaged over every pair of one or more
bench/dann.sh raw folders (the pair's folder names it; a pair found in two folders is taken from the later one).

Usage: bench/dann-summary.py bench/dann/raw-300-issue17 bench/dann/raw-4x75-newpairs
Per method: mean over pairs of the seed-mean target accuracy, mean gain over source only, the worst pair's gain, how
many pairs it gains on (seed means), and the largest seed standard deviation over pairs (the issue's bar: ≤ 5 points).
"""
import glob, json, os, statistics as st, sys

pairs = {}
for raw in sys.argv[1:]:
    for pair in sorted(os.listdir(raw)):
        if os.path.isdir(f"{raw}/{pair}"):
            pairs[pair] = f"{raw}/{pair}"

def label(folder):
    return folder.replace("-to-", " → ") if "-to-" in folder else f"mnist → {folder}"

acc = {}   # (pair, method) -> [target accuracy per seed, %]
for pair, path in pairs.items():
    for method in sorted(os.listdir(path)):
        runs = sorted(glob.glob(f"{path}/{method}/*/metrics.json"))
        if runs:
            acc[pair, method] = [json.load(open(f))["metrics"]["target_accuracy"] * 100 for f in runs]

known = ["source-only", "cdan", "dann", "mmd", "coral", "mcd", "mcc", "shot-im", "shot", "adabn", "mean-teacher"]
# Variants (e.g. cdan-w0.3) after the known methods; a method is listed when every pair has it.
variants = sorted({m for _, m in acc} - set(known) - {"target-only", "cdan-lambda0"})
methods = [m for m in known + variants if all((p, m) in acc for p in pairs)]
print(f"Pairs ({len(pairs)}): " + ", ".join(label(p) for p in pairs) + "\n")
print("| method | mean target accuracy over pairs | mean gain over source only | worst pair's gain | pairs gained | largest seed std |")
print("|---|---:|---:|---:|---:|---:|")
baseline = "source-only" in methods
for m in methods:
    means = [st.mean(acc[p, m]) for p in pairs]
    gains = [st.mean(acc[p, m]) - st.mean(acc[p, "source-only"]) for p in pairs] if baseline else []
    sd = max(st.stdev(acc[p, m]) for p in pairs)
    none = m == "source-only" or not baseline   # no source-only runs: no gains
    g = "-" if none else f"{st.mean(gains):+.2f}"
    w = "-" if none else f"{min(gains):+.2f} ({label(list(pairs)[gains.index(min(gains))])})"
    n = "-" if none else f"{sum(x > 0 for x in gains)} / {len(pairs)}"
    print(f"| {m} | {st.mean(means):.2f} % | {g} | {w} | {n} | {sd:.2f} |")
