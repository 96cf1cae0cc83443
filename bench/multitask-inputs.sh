#!/usr/bin/env bash
# Multitask with task-specific input layers (issue 18, the lecture's speech pattern): tasks whose inputs differ in
# shape (MNIST 28x28, optdigits 8x8, no resizing) each get their own first layer (--own-input first:1 on the mlp:
# fc1 per task, fc2 shared, a head per task). The first task has K labels per class; --baseline alone trains every
# task alone on the same network and schedule, so each row's gain is paired by seed.
# Usage: bench/multitask-inputs.sh [SEEDS] [SHOTS] [EPOCHS] [STEPS_PER_EPOCH]   e.g. bench/multitask-inputs.sh "0 1 2" "5 10" 30 20
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-"0 1 2"} SHOTS=${2:-"5 10"} EPOCHS=${3:-30} STEPS=${4:-20} THREADS=${THREADS:-1}
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
# label | the few-label task | --task arguments (K stands for the shots)
CONFIGS=(
  "MNIST K + optdigits K (related, both scarce)|mnist|--task mnist@shots=K --task optdigits@shots=K"
  "MNIST K + optdigits K, the optdigits side|optdigits|--task mnist@shots=K --task optdigits@shots=K"
  "MNIST K + optdigits, all labels (related)|mnist|--task mnist@shots=K --task optdigits"
  "optdigits K + MNIST, all labels (related)|optdigits|--task optdigits@shots=K --task mnist"
  "MNIST K + Fashion-MNIST, all labels (unrelated)|mnist|--task mnist@shots=K --task fashion-mnist"
  "optdigits K + Fashion-MNIST, all labels (unrelated)|optdigits|--task optdigits@shots=K --task fashion-mnist"
)
start=$(date +%s)
for k in $SHOTS; do
  for i in "${!CONFIGS[@]}"; do
    IFS='|' read -r label target args <<<"${CONFIGS[$i]}"
    for s in $SEEDS; do
      # shellcheck disable=SC2086
      dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll multitask ${args//K/$k} --model mlp --own-input first:1 \
        --baseline alone --epochs "$EPOCHS" --steps-per-epoch "$STEPS" --seed "$s" --threads "$THREADS" --runs "$out/$k/$i/$s" >/dev/null
    done
  done
done
python3 - "$out" "$EPOCHS" "$STEPS" "$THREADS" "$(( $(date +%s) - start ))" "$SHOTS" "${CONFIGS[@]}" <<'PY'
import json, glob, statistics as st, sys, os, platform
out, epochs, steps, threads, seconds, shots, *configs = sys.argv[1:]
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"`transfer multitask ... --model mlp --own-input first:1 --baseline alone --epochs {epochs} --steps-per-epoch {steps} "
      f"--threads {threads}`, {os.cpu_count()} x {cpu}, load average {os.getloadavg()[0]:.1f} at the end, "
      f"{int(seconds)//60} min {int(seconds)%60} s in all\n")
print("| K | setting | few-label task | multitask % | alone % | gain (points, paired by seed) | seeds |")
print("|---:|---|---|---:|---:|---:|---:|")
fmt = lambda xs, sign="": f"{st.mean(xs)*100:{sign}.1f} ± {(st.stdev(xs) if len(xs) > 1 else 0)*100:.1f}"
for k in shots.split():
    for i, c in enumerate(configs):
        label, target, _ = c.split("|")
        multi, alone = [], []
        for f in sorted(glob.glob(f"{out}/{k}/{i}/*/multitask-*/metrics.json")):
            t = {x["name"]: x for x in json.load(open(f))["tasks"]}[target]
            multi.append(t["test_accuracy"]); alone.append(t["alone_test_accuracy"])
        gain = [m - a for m, a in zip(multi, alone)]
        print(f"| {k} | {label.replace('K', str(k))} | {target} | {fmt(multi)} | {fmt(alone)} | {fmt(gain, '+')} | {len(multi)} |")
PY
