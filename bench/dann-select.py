#!/usr/bin/env python3
"""Label-free model selection next to the oracle, from the metrics.json of a multi-epoch bench/dann.sh run.

Usage: bench/dann-select.py bench/dann/raw-4x25-issue17
For each pair x method: the target accuracy of the last epoch, of the epoch each validator picks (source accuracy:
highest; target entropy: lowest; information maximisation: highest; SND: highest; ties keep the earlier epoch, as
--select does), and of the best epoch by target accuracy (the oracle, which needs target labels). Mean ± std over seeds.
"""
import glob, json, os, statistics as st, sys

raw = sys.argv[1]
pick = {
    "last": lambda h: len(h) - 1,
    "source accuracy": lambda h: max(range(len(h)), key=lambda i: (h[i]["source_accuracy"], -i)),
    "entropy": lambda h: max(range(len(h)), key=lambda i: (-h[i]["target_entropy"], -i)),
    "IM": lambda h: max(range(len(h)), key=lambda i: (h[i]["information_maximisation"], -i)),
    "SND": lambda h: max(range(len(h)), key=lambda i: (h[i]["snd"], -i)),
    "oracle (target labels)": lambda h: max(range(len(h)), key=lambda i: (h[i]["target_accuracy"], -i)),
}
print("| pair | method | " + " | ".join(pick) + " |")
print("|---|---|" + "---:|" * len(pick))
for pair in sorted(os.listdir(raw)):
    if not os.path.isdir(f"{raw}/{pair}"): continue
    for method in ["source-only", "cdan", "dann", "mmd", "coral", "mcd", "mcc", "shot-im", "adabn", "mean-teacher"]:
        runs = [json.load(open(f))["history"] for f in sorted(glob.glob(f"{raw}/{pair}/{method}/*/metrics.json"))]
        if not runs: continue
        cells = []
        for name, f in pick.items():
            accs = [h[f(h)]["target_accuracy"] * 100 for h in runs]
            epochs = [f(h) + 1 for h in runs]
            sd = st.stdev(accs) if len(accs) > 1 else 0
            cells.append(f"{st.mean(accs):.1f} ± {sd:.1f} (ep {','.join(map(str, epochs))})")
        print(f"| mnist → {pair} | {method} | " + " | ".join(cells) + " |")
