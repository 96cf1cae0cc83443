#!/usr/bin/env bash
# Multitask learning: a task with 10 labelled images per class trained alone, with a related task with plenty of
# labels, and with an unrelated one. Prints a markdown table of the small task's held-out accuracy, mean ± std.
# Usage: bench/multitask.sh [SEEDS] [EPOCHS] [STEPS_PER_EPOCH]      e.g. bench/multitask.sh "0 1 2" 5 60
# Env: SHOTS (labelled images per class of the small task, default 10), THREADS (1), MODEL (lenet).
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-"0 1 2"} EPOCHS=${2:-5} STEPS=${3:-60} THREADS=${THREADS:-1} MODEL=${MODEL:-lenet} SHOTS=${SHOTS:-10}
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
# label | target task name | --task arguments and extra options
CONFIGS=(
  "digits 0-4, alone|mnist-0-4|--task mnist:0-4@shots=$SHOTS"
  "+ digits 5-9, all labels (related)|mnist-0-4|--task mnist:0-4@shots=$SHOTS --task mnist:5-9"
  "+ digits 5-9, proportional sampling|mnist-0-4|--task mnist:0-4@shots=$SHOTS --task mnist:5-9 --sampling proportional"
  "+ digits 5-9, uncertainty weights|mnist-0-4|--task mnist:0-4@shots=$SHOTS --task mnist:5-9 --weighting uncertainty"
  "+ Fashion-MNIST, all labels (unrelated)|mnist-0-4|--task mnist:0-4@shots=$SHOTS --task fashion-mnist"
  "Fashion-MNIST, alone|fashion-mnist|--task fashion-mnist@shots=$SHOTS"
  "+ coarse labels of the same images (related)|fashion-mnist|--task fashion-mnist@shots=$SHOTS --task fashion-mnist@labels=coarse"
  "+ coarse labels, uncertainty weights|fashion-mnist|--task fashion-mnist@shots=$SHOTS --task fashion-mnist@labels=coarse --weighting uncertainty"
  "digits 0-4 + Fashion-MNIST, uncertainty weights (unrelated)|mnist-0-4|--task mnist:0-4@shots=$SHOTS --task fashion-mnist --weighting uncertainty"
)
start=$(date +%s)
for i in "${!CONFIGS[@]}"; do
  IFS='|' read -r label target args <<<"${CONFIGS[$i]}"
  for s in $SEEDS; do
    # shellcheck disable=SC2086
    dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll multitask $args --model "$MODEL" --epochs "$EPOCHS" \
      --steps-per-epoch "$STEPS" --seed "$s" --threads "$THREADS" --runs "$out/$i/$s" >/dev/null
  done
done
python3 - "$out" "$EPOCHS" "$STEPS" "$THREADS" "$MODEL" "$(( $(date +%s) - start ))" "${CONFIGS[@]}" <<'PY'
import json, glob, statistics as st, sys, os, platform
out, epochs, steps, threads, model, seconds, *configs = sys.argv[1:]
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"`transfer multitask ... --model {model} --epochs {epochs} --steps-per-epoch {steps} --threads {threads}`, "
      f"{os.cpu_count()} x {cpu}, {int(seconds)//60} min {int(seconds)%60} s in all\n")
print("| setting | small task: held-out accuracy | gain over alone, paired by seed | other task: held-out accuracy | small task's share of steps | seeds |")
print("|---|---:|---:|---:|---:|---:|")
fmt = lambda xs, sign="": f"{st.mean(xs)*100:{sign}.2f} ± {(st.stdev(xs) if len(xs) > 1 else 0)*100:.2f}"
alone = {}
for i, c in enumerate(configs):
    label, target, _ = c.split("|")
    small, other, share = {}, [], []
    for f in sorted(glob.glob(f"{out}/{i}/*/multitask-*/metrics.json")):
        m = json.load(open(f))
        tasks = {t["name"]: t for t in m["tasks"]}
        small[m["seed"]] = tasks[target]["test_accuracy"]
        rest = [t for n, t in tasks.items() if n != target]
        if rest: other.append(rest[0]["test_accuracy"])
        share.append(tasks[target]["steps"] / sum(t["steps"] for t in tasks.values()))
    if len(tasks) == 1: alone[target] = small
    base = alone.get(target, {}) if len(tasks) > 1 else {}
    gain = [small[s] - base[s] for s in small if s in base]
    print(f"| {label} | {fmt(list(small.values()))} % | {fmt(gain, '+') + ' points' if gain else '–'} | "
          f"{fmt(other) + ' %' if other else '–'} | {st.mean(share)*100:.0f} % | {len(small)} |")
PY
