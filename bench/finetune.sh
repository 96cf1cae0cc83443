#!/usr/bin/env bash
# The transferability experiment (Yosinski et al. 2014) on Fashion-MNIST: dissimilar split (footwear and bags vs
# clothing) and a random split, LeNet, 3 seeds; prints markdown tables of mean ± std accuracy on half B.
# Usage: bench/finetune.sh [SEEDS] [EPOCHS] [PER_CLASS]     e.g. bench/finetune.sh 0,1,2 4 300   (about 10 min on 2 busy cores)
#   Env: PATIENCE (0): with P > 0 every network trains up to EPOCHS epochs, stops after P epochs without a better
#   accuracy on a held-out validation part of its half (VALIDATION, 0.1 of each class) and keeps its best epoch, so that
#   extra epochs do not pose as transfer; the tables then also give the epochs kept. SPLITS (both): "random" runs only
#   the random split.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-0,1,2} EPOCHS=${2:-4} PER_CLASS=${3:-300} THREADS=${THREADS:-1} PATIENCE=${PATIENCE:-0} VALIDATION=${VALIDATION:-0.1}
split_args=(--split dissimilar --compare-random); [ "${SPLITS:-both}" = random ] && split_args=(--split random)
stop_args=(); [ "$PATIENCE" -gt 0 ] && stop_args=(--patience "$PATIENCE" --validation-fraction "$VALIDATION")
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
start=$(date +%s)
dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll experiment transferability --data fashion-mnist "${split_args[@]}" \
  "${stop_args[@]}" --model lenet --seeds "$SEEDS" --epochs "$EPOCHS" --train-per-class "$PER_CLASS" --threads "$THREADS" \
  --runs "$out" >/dev/null
secs=$(( $(date +%s) - start ))
[ -n "${KEEP:-}" ] && cp -r "$out"/transferability-* "$KEEP"/
python3 - "$out" "$secs" "${split_args[@]}" <<'PY'
import json, glob, sys, os, platform
out, secs = sys.argv[1], int(sys.argv[2])
m = json.load(open(glob.glob(f"{out}/transferability-*/metrics.json")[0]))
o = m["options"]
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
t = o["training"]
stop = f"--patience {t['patience']} --validation-fraction {o['validation_fraction']} " if t.get("patience") else ""
print(f"`transfer experiment transferability --data fashion-mnist {' '.join(sys.argv[3:])} {stop}--model lenet "
      f"--seeds {','.join(map(str, o['seeds']))} --epochs {o['training']['epochs']} --train-per-class {o['train_per_class']} --threads {m['threads']}`; "
      f"{os.cpu_count()} x {cpu}; {secs} s wall time (machine shared with other jobs)\n")
for r in m["results"]:
    s = {(x["network"], x["n"]): (x["mean"], x["std"]) for x in r["summaries"]}
    f = lambda k: f"{s[k][0]*100:.1f} ± {s[k][1]*100:.1f}"
    print(f"**{r['split']['description']}** — A = {', '.join(r['split']['a'])}; B = {', '.join(r['split']['b'])}; "
          f"B: {r['train_count_b']} training, {r['test_count_b']} test examples. baseA on A: {f(('baseA', 0))} %.\n")
    print("| n | copied | baseB | BnB | BnB+ | AnB | AnB+ |\n|---:|---|---:|---:|---:|---:|---:|")
    for n in range(1, len(r["stages"]) + 1):
        print(f"| {n} | {', '.join(r['stages'][:n])} | {f(('baseB', 0))} | " + " | ".join(f((c, n)) for c in ["BnB", "BnB+", "AnB", "AnB+"]) + " |")
    print()
    if t.get("patience"):
        runs = r["runs"]
        ep = lambda net, n, key: sum(x[key] for x in runs if x["network"] == net and x["copied_stages"] == n) / max(1, sum(1 for x in runs if x["network"] == net and x["copied_stages"] == n))
        print("Epochs trained / epoch kept (mean over seeds):\n\n| n | baseB | BnB | BnB+ | AnB | AnB+ |\n|---:|---:|---:|---:|---:|---:|")
        for n in range(1, len(r["stages"]) + 1):
            print(f"| {n} | {ep('baseB', 0, 'epochs'):.1f} / {ep('baseB', 0, 'best_epoch'):.1f} | " + " | ".join(f"{ep(c, n, 'epochs'):.1f} / {ep(c, n, 'best_epoch'):.1f}" for c in ["BnB", "BnB+", "AnB", "AnB+"]) + " |")
        print()
PY
