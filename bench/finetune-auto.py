#!/usr/bin/env python3
"""How well `transfer finetune --conservative auto` chooses: for every split, K and seed in bench/finetune-shots.sh's
results (the `auto` rows next to the fixed settings' rows of the same seeds), the setting cross-validation picked, its
test accuracy against each fixed setting's and against the best of the five in hindsight (the oracle, which needs the
test labels), by the search's two criteria (held-out accuracy, the default, and loss), read from the scores each auto
run recorded: every candidate's final run is the fixed row of the same setting and seed.
Usage: bench/finetune-auto.py [--only FT,SP+LwF] bench/finetune-shots/mnist-halves-cnn.jsonl [more .jsonl ...]
  --only: what the search would have picked among a subset of the candidates (short names as in the table's header),
  from the same recorded scores."""
import json, statistics as st, sys, os

# The search's candidate names -> the fixed rows of bench/finetune-shots.sh that train the same setting.
ROWS = {"fine-tuned": "finetune", "fine-tuned, copied lr x0.1": "finetune-slow", "L2-SP a=.01": "l2sp-0.01",
        "L2-SP a=.1": "l2sp-0.1", "L2-SP a=.01 + LwF": "l2sp-lwf"}
SHORT = {"finetune": "FT", "finetune-slow": "FT/10", "l2sp-0.01": "SP.01", "l2sp-0.1": "SP.1", "l2sp-lwf": "SP+LwF"}
sd = lambda xs: st.stdev(xs) if len(xs) > 1 else 0.0
fmt = lambda xs: f"{st.mean(xs):.1f} ± {sd(xs):.1f}"

args = sys.argv[1:]
only = None
if args and args[0] == "--only":
    only = set(args[1].split(",")); args = args[2:]
    assert only <= set(SHORT.values()), f"--only takes {', '.join(SHORT.values())}"

def pick(scores, by):
    if only is not None: scores = [x for x in scores if SHORT[ROWS[x["candidate"]["name"]]] in only]
    if by == "1se":
        # Not in the library, for comparison: keep plain fine-tuning (listed first) unless the pick by accuracy beats it
        # by more than the standard error of their paired fold differences (Breiman's one-standard-error rule).
        best = scores[min(range(len(scores)), key=lambda i: (-scores[i]["accuracy"], scores[i]["loss"], i))]
        d = [b - a for a, b in zip(scores[0]["fold_accuracies"], best["fold_accuracies"])]
        se = st.stdev(d) / len(d) ** 0.5 if len(d) > 1 else 0.0
        return ROWS[(best if st.mean(d) > se else scores[0])["candidate"]["name"]]
    # As ConservativeSearch: by loss (ties: higher accuracy) or by accuracy (ties: lower loss), then the first listed.
    key = (lambda i: (scores[i]["loss"], -scores[i]["accuracy"], i)) if by == "loss" else (lambda i: (-scores[i]["accuracy"], scores[i]["loss"], i))
    return ROWS[scores[min(range(len(scores)), key=key)]["candidate"]["name"]]

print("| split | K | scratch | " + " | ".join(SHORT[r] for r in ROWS.values()) +
      " | **auto, by accuracy (default)** | picks | auto, by loss | picks | oracle of the five | by accuracy − best fixed | by accuracy − plain fine-tuning |")
print("|---|---:|---:|" + "---:|" * len(ROWS) + "---:|---|---:|---|---:|---:|---:|")
totals = {"loss": [], "accuracy": [], "1se": [], "oracle": [], "best_fixed": [], "finetune": []}
for path in args:
    rows = [json.loads(l) for l in open(path)]
    acc = {(r["seed"], r["shots"], r["method"]): r["test_accuracy"] * 100 for r in rows}
    autos = {(r["seed"], r["shots"]): r for r in rows if r["method"] == "auto"}
    name = os.path.basename(path).removesuffix(".jsonl")
    for k in sorted({s for _, s in autos}):
        seeds = sorted(s for s, kk in autos if kk == k)
        got = {"loss": [], "accuracy": [], "1se": []}
        picks = {"loss": [], "accuracy": [], "1se": []}
        oracle = []
        for s in seeds:
            choice = autos[(s, k)]["search"]["choice"]
            # The run's own final accuracy is the fixed row of the setting it chose (same seed, same training).
            assert abs(autos[(s, k)]["test_accuracy"] * 100 - acc[(s, k, ROWS[choice["chosen"]["name"]])]) < 1e-9, f"{name} seed {s} K {k}"
            for by in got:
                row = pick(choice["scores"], by)
                picks[by].append(SHORT[row]); got[by].append(acc[(s, k, row)])
            oracle.append(max(acc[(s, k, r)] for r in ROWS.values()))
        fixed = {r: [acc[(s, k, r)] for s in seeds] for r in ROWS.values()}
        best = max(fixed, key=lambda r: st.mean(fixed[r]))
        for by in got: totals[by].append(st.mean(got[by]))
        totals["oracle"].append(st.mean(oracle)); totals["best_fixed"].append(st.mean(fixed[best])); totals["finetune"].append(st.mean(fixed["finetune"]))
        print(f"| {name} | {k} | {fmt([acc[(s, k, 'scratch')] for s in seeds])} | " +
              " | ".join(fmt(fixed[r]) for r in ROWS.values()) +
              f" | **{fmt(got['accuracy'])}** | {', '.join(picks['accuracy'])} | {fmt(got['loss'])} | {', '.join(picks['loss'])} | {fmt(oracle)} | "
              f"{st.mean(got['accuracy']) - st.mean(fixed[best]):+.1f} (best: {SHORT[best]}) | {st.mean(got['accuracy']) - st.mean(fixed['finetune']):+.1f} |")
n = len(totals["loss"])
print(f"\nMean over the {n} split × K cells: auto by accuracy {st.mean(totals['accuracy']):.1f} %, by loss {st.mean(totals['loss']):.1f} %, "
      f"one-standard-error rule {st.mean(totals['1se']):.1f} %, "
      f"plain fine-tuning {st.mean(totals['finetune']):.1f} %, the best fixed setting of each cell (known only with test labels) "
      f"{st.mean(totals['best_fixed']):.1f} %, the best of the five per seed {st.mean(totals['oracle']):.1f} %.")
