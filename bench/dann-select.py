#!/usr/bin/env python3
"""Label-free model selection next to the oracle, from the metrics.json of a multi-epoch bench/dann.sh run.

Usage: bench/dann-select.py bench/dann/raw-4x25-issue17 [more raw folders]
For each pair x method: the target accuracy of the last epoch, of the epoch each validator picks (source accuracy:
highest; target entropy: lowest; information maximisation: highest; SND: highest; DEV risk: lowest; ties keep the earlier epoch, as
--select does), and of the best epoch by target accuracy (the oracle, which needs target labels). Mean ± std over seeds.
The last row: each validator's mean shortfall from the oracle over every run of the table (points; 0 = always the best).
"""
import glob, json, os, statistics as st, sys

raws = sys.argv[1:]


def nan_last(x):
    # metrics.json writes NaN as the string "NaN"
    return float("inf") if x is None or isinstance(x, str) or x != x else x


def pair_label(folder):
    # bench/dann.sh names a pair's folder by its target (source mnist) or "<source>-to-<target>"
    return folder.replace("-to-", " → ") if "-to-" in folder else f"mnist → {folder}"

pick = {
    "last": lambda h: len(h) - 1,
    "source accuracy": lambda h: max(range(len(h)), key=lambda i: (h[i]["source_accuracy"], -i)),
    "entropy": lambda h: max(range(len(h)), key=lambda i: (-h[i]["target_entropy"], -i)),
    "IM": lambda h: max(range(len(h)), key=lambda i: (h[i]["information_maximisation"], -i)),
    "SND": lambda h: max(range(len(h)), key=lambda i: (h[i]["snd"], -i)),
    # Lowest DEV risk; epochs without one (older metrics.json, NaN) are never picked.
    "DEV": lambda h: min(range(len(h)), key=lambda i: (nan_last(h[i].get("dev_risk")), i)),
    "oracle (target labels)": lambda h: max(range(len(h)), key=lambda i: (h[i]["target_accuracy"], -i)),
}
print("| pair | method | " + " | ".join(pick) + " |")
print("|---|---|" + "---:|" * len(pick))
shortfall = {name: [] for name in pick}
for raw, pair in [(r, p) for r in raws for p in sorted(os.listdir(r))]:
    if not os.path.isdir(f"{raw}/{pair}"): continue
    for method in ["source-only", "cdan", "dann", "dann-paper", "mmd", "coral", "mcd", "mcc", "shot-im", "shot-im-aligned", "adabn", "mean-teacher"]:
        runs = [json.load(open(f))["history"] for f in sorted(glob.glob(f"{raw}/{pair}/{method}/*/metrics.json"))]
        if not runs: continue
        cells = []
        for name, f in pick.items():
            if name == "DEV" and not any("dev_risk" in e for h in runs for e in h):
                cells.append("-")   # recorded before DEV existed
                continue
            accs = [h[f(h)]["target_accuracy"] * 100 for h in runs]
            shortfall[name] += [max(e["target_accuracy"] for e in h) * 100 - a for h, a in zip(runs, accs)]
            epochs = [f(h) + 1 for h in runs]
            sd = st.stdev(accs) if len(accs) > 1 else 0
            cells.append(f"{st.mean(accs):.1f} ± {sd:.1f} (ep {','.join(map(str, epochs))})")
        print(f"| {pair_label(pair)} | {method} | " + " | ".join(cells) + " |")
print("| all runs | shortfall from the oracle (mean, points) | " + " | ".join(
    f"{st.mean(v):.1f} ({len(v)} runs)" if v else "-" for v in shortfall.values()) + " |")
