#!/usr/bin/env python3
"""Choosing the method, not the epoch, without target labels: from the metrics.json of bench/dann.sh runs.

Usage: bench/dann-choose.py RAW [RAW ...] [--candidates adabn,cdan,shot-im]
For every pair and seed, the candidate methods' runs (same seed) are compared by a label-free score of their last
epoch (target entropy: lowest; information maximisation: highest; SND: highest; DEV risk: lowest; source accuracy:
highest) and the run it prefers is kept. Printed per pair: the kept runs' target accuracy (mean ± std over seeds) and
its gain over source only; then, over the pairs, the mean accuracy, the pairs gained, the worst pair's gain and the
largest seed std, next to each candidate on its own and the oracle (the best candidate per run by target accuracy,
which needs target labels). A pair needs every candidate and source-only for a seed to count that seed.
"""
import glob, json, os, statistics as st, sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
cands = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--candidates=")), "adabn,cdan,shot-im").split(",")


def num(x):
    return float("nan") if x is None or isinstance(x, str) else float(x)


runs = {}  # (pair, method, seed) -> (target accuracy %, last epoch's history entry)
for raw in args:
    for f in glob.glob(f"{raw}/*/*/*/metrics.json"):
        pair, method, seed = f.split("/")[-4:-1]
        d = json.load(open(f))
        runs[(pair, method, int(seed))] = (100 * d["metrics"]["target_accuracy"], d["history"][-1])

scores = {  # higher is preferred
    "entropy": lambda h: -num(h["target_entropy"]),
    "IM": lambda h: num(h["information_maximisation"]),
    "SND": lambda h: num(h["snd"]),
    "DEV": lambda h: -num(h.get("dev_risk")),
    "source accuracy": lambda h: num(h["source_accuracy"]),
}
rules = {f"{c} alone": (lambda c: lambda rs: rs[c][0])(c) for c in cands}
for name, score in scores.items():
    # NaN scores are never preferred; ties keep the earlier candidate.
    rules[f"chosen by {name}"] = (lambda score: lambda rs: max(
        ((score(rs[c][1]) if score(rs[c][1]) == score(rs[c][1]) else float("-inf"), -i, rs[c][0]) for i, c in enumerate(cands)))[2])(score)
rules["oracle (target labels)"] = lambda rs: max(rs[c][0] for c in cands)

pairs = sorted({p for p, _, _ in runs})
table = {}
for p in pairs:
    seeds = [s for s in range(10) if all((p, m, s) in runs for m in cands + ["source-only"])]
    if not seeds: continue
    base = st.mean(runs[(p, "source-only", s)][0] for s in seeds)
    for rule, pick in rules.items():
        accs = [pick({c: runs[(p, c, s)] for c in cands}) for s in seeds]
        table[(p, rule)] = (st.mean(accs), st.stdev(accs) if len(accs) > 1 else 0.0, st.mean(accs) - base, len(seeds))

label = lambda p: p.replace("-to-", " → ") if "-to-" in p else f"mnist → {p}"
used = [p for p in pairs if (p, next(iter(rules))) in table]
print(f"candidates: {', '.join(cands)}; last epoch of each run; {len(used)} pairs\n")
print("| rule | " + " | ".join(label(p) for p in used) + " | mean | pairs gained | worst gain | largest std |")
print("|---|" + "---:|" * (len(used) + 4))
for rule in rules:
    cells = [table[(p, rule)] for p in used]
    print(f"| {rule} | " + " | ".join(f"{m:.1f} ± {s:.1f} ({g:+.1f})" for m, s, g, _ in cells)
          + f" | {st.mean(c[0] for c in cells):.1f} | {sum(c[2] > 0 for c in cells)}/{len(cells)}"
          + f" | {min(c[2] for c in cells):+.1f} | {max(c[1] for c in cells):.1f} |")

# Did it help? For every run of a method that reads the target, whether each score moved the same way as the target
# accuracy when compared with the source-only run of the same pair and seed (what a user can check without target
# labels: `transfer adapt` trains that baseline by default), and how many of the runs that lost to source only it flagged.
print("\nDid the method help? A score's last-epoch change from the source-only run of the same pair and seed, read as "
      "'helped' when the score prefers the method's run; agreement with the target accuracy, and the losing runs flagged.\n")
print("| method | " + " | ".join(scores) + " |")
print("|---|" + "---:|" * len(scores))
for m in sorted({m for _, m, _ in runs} - {"source-only", "target-only"}):
    cells = []
    for name, score in scores.items():
        agree = total = flagged = losses = 0
        for (p, mm, s), (acc, h) in runs.items():
            if mm != m or (p, "source-only", s) not in runs: continue
            acc0, h0 = runs[(p, "source-only", s)]
            a, b = score(h), score(h0)
            if a != a or b != b: continue
            helped, said = acc > acc0, a > b
            total += 1; agree += helped == said
            if not helped: losses += 1; flagged += not said
        cells.append(f"{agree}/{total} agree, {flagged}/{losses} losses flagged" if total else "-")
    print(f"| {m} | " + " | ".join(cells) + " |")
