#!/usr/bin/env bash
# ImageNet ResNet-18 (ML.NET's, `resnet18-imagenet`) against training from scratch on the colour target MNIST-M with
# K labelled images per class (issue 18): a LeNet and a ResNet-18 from scratch, the ResNet-18's ImageNet features frozen
# under a new head, and the whole ResNet-18 fine-tuned. All through `transfer finetune` with the same target split,
# shots, steps and test images per seed (the split depends on the seed and the target only).
# Usage: bench/resnet-mnistm.sh [SEEDS] [SHOTS] [STEPS]     e.g. bench/resnet-mnistm.sh 0,1,2 10 200
#   Env: RESIZE (64: MNIST-M's 28x28 upscaled for the ResNet-18), THREADS (1), BATCH (16), OUT (bench/resnet-mnistm).
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-0,1,2} SHOTS=${2:-10} STEPS=${3:-200}
RESIZE=${RESIZE:-64} THREADS=${THREADS:-1} BATCH=${BATCH:-16} OUT=${OUT:-bench/resnet-mnistm}
COMMON=(--target mnist-m --batch-size "$BATCH" --validation-fraction 0.01 --threads "$THREADS")
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
transfer() { dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll "$@"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# `--copy none` trains a fresh network of the source's architecture, so the LeNet baseline needs a LeNet checkpoint of
# the right shape (3x28x28): one epoch on MNIST-M, whose weights are then thrown away.
transfer train --data mnist-m --model lenet --epochs 1 --threads "$THREADS" --runs "$work/lenet" >/dev/null
lenet=$(ls -d "$work/lenet"/train-*)/model.pt
# name|arguments
METHODS=(
  "lenet-scratch|--source $lenet --copy none"
  "resnet-scratch|--source resnet18-imagenet --resize $RESIZE --copy none"
  "resnet-frozen|--source resnet18-imagenet --resize $RESIZE --copy all --freeze"
  "resnet-finetuned|--source resnet18-imagenet --resize $RESIZE --copy all --finetune --conservative none"
)
mkdir -p "$OUT"; results="$OUT/k${SHOTS//,/-}.jsonl"; : >"$results"
start=$(date +%s)
for seed in ${SEEDS//,/ }; do
  for k in ${SHOTS//,/ }; do
    per_epoch=$(( (10 * k + BATCH - 1) / BATCH )); epochs=$(( (STEPS + per_epoch - 1) / per_epoch ))
    for entry in "${METHODS[@]}"; do
      m=${entry%%|*}; t0=$(date +%s.%N)
      # shellcheck disable=SC2206
      args=(finetune ${entry#*|} --shots "$k" --epochs "$epochs" --seed "$seed" "${COMMON[@]}")
      transfer "${args[@]}" --runs "$work/$seed-$k-$m" >/dev/null
      python3 - "$work/$seed-$k-$m" "$m" "$(date +%s.%N)" "$t0" "${args[*]}" "$lenet" >>"$results" <<'PY'
import json, glob, sys
run, method, t1, t0, args, lenet = sys.argv[1:]
m = json.load(open(glob.glob(f"{run}/finetune-*/metrics.json")[0]))
v = m["variants"][0]
print(json.dumps({"seed": m["seed"], "shots": m["shots"], "method": method, "test_accuracy": v["test_accuracy"],
  "test_count": m["test_count"], "train_count": m["train_count"], "epochs": len(v["history"]),
  "wall_seconds": round(float(t1) - float(t0), 1), "command": "transfer " + args.replace(lenet, "runs/train-LENET/model.pt")}))
PY
    done
  done
done
secs=$(( $(date +%s) - start ))
python3 - "$results" "$secs" <<'PY'
import json, sys, statistics as st
path, secs = sys.argv[1:]
rows = [json.loads(l) for l in open(path)]
order = ["lenet-scratch", "resnet-scratch", "resnet-frozen", "resnet-finetuned"]
acc = {(r["seed"], r["shots"], r["method"]): r["test_accuracy"] * 100 for r in rows}
seeds = sorted({r["seed"] for r in rows}); shots = sorted({r["shots"] for r in rows})
f = lambda xs: f"{st.mean(xs):.1f} ± {st.stdev(xs) if len(xs) > 1 else 0:.1f}"
print("| K | " + " | ".join(order) + " | fine-tuned − LeNet scratch | fine-tuned − ResNet scratch |")
print("|---:|" + "---:|" * (len(order) + 2))
for k in shots:
    cells = [f([acc[s, k, m] for s in seeds]) for m in order]
    g1 = f([acc[s, k, "resnet-finetuned"] - acc[s, k, "lenet-scratch"] for s in seeds])
    g2 = f([acc[s, k, "resnet-finetuned"] - acc[s, k, "resnet-scratch"] for s in seeds])
    print(f"| {k} | " + " | ".join(cells) + f" | {g1} | {g2} |")
wall = {m: st.mean(r["wall_seconds"] for r in rows if r["method"] == m) for m in order}
print("mean wall seconds per run: " + ", ".join(f"{m} {w:.0f}" for m, w in wall.items()) + f"; total {secs} s")
PY
