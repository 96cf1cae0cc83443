#!/usr/bin/env bash
# Few-shot transfer on Fashion-MNIST halves: LeNet trained on the source half of the classes (default 0-4: T-shirt/top,
# Trouser, Pullover, Dress, Coat), then trained on the other half (default 5-9: Sandal, Shirt, Sneaker, Bag, Ankle boot)
# from K labelled images per class: from scratch (--copy none) against plain fine-tuning, frozen layer transfer and
# conservative training (L2-SP, Learning without Forgetting), all through `transfer finetune` with the same target
# split, shots, steps and test images per seed. Prints markdown tables (mean ± std over seeds, and the gain over
# scratch paired by seed) and keeps one JSON line per run in $OUT/$NAME.jsonl (default bench/finetune-shots/halves.jsonl).
# Usage: bench/finetune-shots.sh [SEEDS] [SHOTS] [STEPS]    e.g. bench/finetune-shots.sh 0,1,2 1,5,10,50 200
#   Every run takes about STEPS optimiser steps of BATCH images (epochs = ceil(STEPS / ceil(classes * K / BATCH))), so
#   K = 1 (5 images, one step an epoch) trains as long as K = 50.
#   Env: SOURCE (fashion-mnist:0-4), TARGET (fashion-mnist:5-9), NAME (halves), MODEL (lenet), THREADS (1), BATCH (16),
#   SOURCE_EPOCHS (4), OUT (bench/finetune-shots), ONLY (a comma list of the method names below, to run only those),
#   APPEND (1 = add to the results file instead of starting it afresh). Another split, e.g. the random one of bench/finetune.sh:
#   SOURCE=fashion-mnist:1,5,6,7,8 TARGET=fashion-mnist:0,2,3,4,9 NAME=random bench/finetune-shots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-0,1,2} SHOTS=${2:-1,5,10,50} STEPS=${3:-200}
THREADS=${THREADS:-1} BATCH=${BATCH:-16} SOURCE_EPOCHS=${SOURCE_EPOCHS:-4} OUT=${OUT:-bench/finetune-shots}
MODEL=${MODEL:-lenet}
SOURCE=${SOURCE:-fashion-mnist:0-4} TARGET=${TARGET:-fashion-mnist:5-9} NAME=${NAME:-halves}
# Classes in the target's filter (indices, ranges a-b, or names), for the steps per epoch.
CLASSES=$(python3 -c 'import sys; print(sum(int(b) - int(a) + 1 if "-" in p and (a := p.split("-")[0]).isdigit() and (b := p.split("-")[1]).isdigit() else 1 for p in sys.argv[1].split(":", 1)[1].split(",")))' "$TARGET")
# The validation part (1 % of the target's training part, 40 images for a Fashion-MNIST half) is only watched per
# epoch: no early stopping, no model selection (--patience 0), so it does not touch the test numbers; kept small
# because it is evaluated every epoch. The test part is 20 % of the target (1,000 images for a half), drawn with the
# seed, the same for every method of a seed, as are the K shots.
COMMON=(--target "$TARGET" --batch-size "$BATCH" --validation-fraction 0.01 --threads "$THREADS")
# name|arguments; the table's columns in this order.
METHODS=(
  "scratch|--copy none"
  "finetune|--copy all --finetune --conservative none"
  "finetune-slow|--copy all --finetune --copied-lr-scale 0.1 --conservative none"
  "frozen-2|--copy first:2 --freeze"
  "frozen-all|--copy all --freeze"
  "l2sp-0.01|--copy all --finetune --conservative l2sp=0.01,l2sp-beta=0.001"
  "l2sp-0.1|--copy all --finetune --conservative l2sp=0.1,l2sp-beta=0.01"
  "l2sp-lwf|--copy all --finetune --conservative l2sp=0.01,l2sp-beta=0.001,distill=1"
  "auto|--copy all --finetune --conservative auto"
)
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
transfer() { dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll "$@"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"; results="$OUT/$NAME.jsonl"; [[ ${APPEND:-0} == 1 ]] || : >"$results"
start=$(date +%s)
for seed in ${SEEDS//,/ }; do
  transfer train --data "$SOURCE" --model "$MODEL" --epochs "$SOURCE_EPOCHS" --seed "$seed" --threads "$THREADS" \
    --runs "$work/source-$seed" >/dev/null
  src=$(ls -d "$work/source-$seed"/train-*)
  for k in ${SHOTS//,/ }; do
    per_epoch=$(( (CLASSES * k + BATCH - 1) / BATCH )); epochs=$(( (STEPS + per_epoch - 1) / per_epoch ))
    for entry in "${METHODS[@]}"; do
      m=${entry%%|*}
      [[ -z ${ONLY:-} || ",$ONLY," == *",$m,"* ]] || continue
      t0=$(date +%s.%N)
      # shellcheck disable=SC2206
      args=(finetune --source "$src/model.pt" ${entry#*|} --shots "$k" --epochs "$epochs" --seed "$seed" "${COMMON[@]}")
      transfer "${args[@]}" --runs "$work/$seed-$k-$m" >/dev/null
      python3 - "$work/$seed-$k-$m" "$src" "$m" "$(date +%s.%N)" "$t0" "${args[*]}" "$((epochs * per_epoch))" >>"$results" <<'PY'
import json, glob, sys
run, src, method, t1, t0, args, steps = sys.argv[1:]
m = json.load(open(glob.glob(f"{run}/finetune-*/metrics.json")[0]))
s = json.load(open(f"{src}/metrics.json"))
v = m["variants"][0]
print(json.dumps({"seed": m["seed"], "shots": m["shots"], "method": method, "test_accuracy": v["test_accuracy"],
  "test_count": m["test_count"], "train_count": m["train_count"], "epochs": len(v["history"]),
  "steps": int(steps),
  "copied": v["copied_stages"], "mode": v["mode"], "conservative": v["conservative"], "search": m.get("conservative_search"),
  "source": s["data"] if "data" in s else None, "target": m["target"], "source_test_accuracy": s["metrics"]["test_accuracy"], "wall_seconds": round(float(t1) - float(t0), 1),
  "command": "transfer " + args.replace(src + "/", "runs/train-SEED/")}))
PY
    done
  done
done
secs=$(( $(date +%s) - start ))
python3 - "$results" "$secs" "$STEPS" "$BATCH" "$SOURCE_EPOCHS" "$THREADS" "$SOURCE" "$TARGET" "$MODEL" <<'PY'
import json, sys, os, platform, statistics as st
path, secs, steps, batch, source_epochs, threads, source, target, model = sys.argv[1:]
rows = [json.loads(l) for l in open(path)]
order = ["scratch", "finetune", "finetune-slow", "frozen-2", "frozen-all", "l2sp-0.01", "l2sp-0.1", "l2sp-lwf", "auto"]
names = {"scratch": "from scratch", "finetune": "fine-tuned", "finetune-slow": "fine-tuned, copied lr ×0.1", "frozen-2": "frozen conv1-2", "frozen-all": "frozen conv1-fc2",
         "l2sp-0.01": "L2-SP α=.01", "l2sp-0.1": "L2-SP α=.1", "l2sp-lwf": "L2-SP α=.01 + LwF", "auto": "auto (cross-validated)"}
acc = {(r["seed"], r["shots"], r["method"]): r["test_accuracy"] * 100 for r in rows}
seeds = sorted({r["seed"] for r in rows}); shots = sorted({r["shots"] for r in rows})
methods = [m for m in order if any(r["method"] == m for r in rows)]
sd = lambda xs: st.stdev(xs) if len(xs) > 1 else 0.0
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
src = {r["seed"]: r["source_test_accuracy"] * 100 for r in rows}
test_count = sorted({r["test_count"] for r in rows})
print(f"Source: `transfer train --data {source} --model {model} --epochs {source_epochs}` per seed, held-out accuracy on its "
      f"classes {st.mean(src.values()):.1f} ± {sd(list(src.values())):.1f} %. Target: {target}, about {steps} steps of "
      f"batch {batch} per run; seeds {', '.join(map(str, seeds))}; {threads} thread(s); {os.cpu_count()} x {cpu}; {secs} s wall time "
      f"for {len(rows)} fine-tuning runs and {len(seeds)} source trainings (machine shared with other jobs).\n")
print(f"Test accuracy on {target} ({'/'.join(map(str, test_count))} held-out images per seed), %, mean ± std over seeds:\n")
print("| K | " + " | ".join(names[m] for m in methods) + " |\n|---:|" + "---:|" * len(methods))
for k in shots:
    cells = [[acc[(s, k, m)] for s in seeds if (s, k, m) in acc] for m in methods]
    print(f"| {k} | " + " | ".join(f"{st.mean(c):.1f} ± {sd(c):.1f}" for c in cells) + " |")
print("\nGain over from scratch, percentage points, paired by seed (mean ± std; seeds where the method is ahead):\n")
print("| K | " + " | ".join(names[m] for m in methods[1:]) + " |\n|---:|" + "---:|" * (len(methods) - 1))
for k in shots:
    cells = []
    for m in methods[1:]:
        d = [acc[(s, k, m)] - acc[(s, k, "scratch")] for s in seeds if (s, k, m) in acc and (s, k, "scratch") in acc]
        cells.append(f"{st.mean(d):+.1f} ± {sd(d):.1f} ({sum(x > 0 for x in d)}/{len(d)})")
    print(f"| {k} | " + " | ".join(cells) + " |")
PY
