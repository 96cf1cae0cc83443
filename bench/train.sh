#!/usr/bin/env bash
# Accuracy and throughput of `transfer train` over several seeds; prints a markdown table.
# Usage: bench/train.sh [DATA] [MODEL] [EPOCHS] [SEEDS]     e.g. bench/train.sh mnist lenet 3 "0 1 2 3 4"
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-mnist} MODEL=${2:-lenet} EPOCHS=${3:-3} SEEDS=${4:-"0 1 2 3 4"} THREADS=${THREADS:-0}
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for s in $SEEDS; do
  dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll train --data "$DATA" --model "$MODEL" \
    --epochs "$EPOCHS" --seed "$s" --threads "$THREADS" --runs "$out/$s" >/dev/null
done
python3 - "$out" "$DATA" "$MODEL" "$EPOCHS" <<'PY'
import json, glob, statistics as st, sys, platform, os
out, data, model, epochs = sys.argv[1:]
rows = []
for f in sorted(glob.glob(f"{out}/*/train-*/metrics.json")):
    m = json.load(open(f)); rows.append((m["seed"], m["metrics"]["test_accuracy"], m["metrics"]["train_images_per_second"], m["threads"]))
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"`transfer train --data {data} --model {model} --epochs {epochs}`, {len(rows)} seeds, {rows[0][3]} threads, {os.cpu_count()} x {cpu}\n")
print("| seed | held-out accuracy | train images/s |\n|---:|---:|---:|")
for s, a, r, _ in rows: print(f"| {s} | {a*100:.2f} % | {r:,.0f} |")
acc = [r[1]*100 for r in rows]; ips = [r[2] for r in rows]
print(f"| **mean ± std** | **{st.mean(acc):.2f} ± {st.stdev(acc) if len(acc)>1 else 0:.2f} %** | **{st.mean(ips):,.0f} ± {st.stdev(ips) if len(ips)>1 else 0:,.0f}** |")
PY
