#!/usr/bin/env bash
# The tour over several seeds: each family's baseline, transfer method and gain, mean ± std, and wall time per run.
# Usage: bench/tour.sh [SEEDS] [--quick]        e.g. bench/tour.sh "0 1 2"
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-"0 1 2"} MODE=${2:-}
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for s in $SEEDS; do
  start=$(date +%s.%N)
  dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll tour $MODE --seed "$s" --runs "$out/$s" >/dev/null || true
  echo "$s $(echo "$(date +%s.%N) - $start" | bc)" >> "$out/times"
done
python3 - "$out" "$MODE" <<'PY'
import json, glob, statistics as st, sys, os, platform, collections
out, mode = sys.argv[1:]
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
times = [float(l.split()[1]) for l in open(f"{out}/times")]
rows = collections.OrderedDict()
for f in sorted(glob.glob(f"{out}/*/tour-*/metrics.json")):
    for s in json.load(open(f))["stages"]:
        # One row per transfer method (the main one, then e.g. conservative training beside layer transfer).
        methods = [(s["method_name"], s["method"], s["gain"])] + [(o["name"], o["value"], o["gain"]) for o in (s.get("other_methods") or [])]
        for i, (name, value, gain) in enumerate(methods if s["ok"] else [(None, None, None)]):
            r = rows.setdefault((s["id"], i), {"family": s["family"], "experiment": None, "b": [], "m": [], "g": [], "bn": None, "mn": None, "fail": 0})
            if s["ok"]:
                r.update(experiment=s["experiment"], bn=s["baseline_name"], mn=name)
                r["b"].append(s["baseline"]); r["m"].append(value); r["g"].append(gain)
            else: r["fail"] += 1
ms = lambda xs: f"{100*st.mean(xs):.1f} ± {100*(st.stdev(xs) if len(xs) > 1 else 0):.1f}" if xs else "-"
print(f"`transfer tour {mode}`, seeds {len(times)}, {os.cpu_count()} x {cpu}; wall time per run {st.mean(times):.0f} s (min {min(times):.0f}, max {max(times):.0f})\n")
print("| family | experiment | baseline | % | transfer method | % | gain (points) | failed runs |")
print("|---|---|---|---:|---|---:|---:|---:|")
for r in rows.values():
    print(f"| {r['family']} | {r['experiment']} | {r['bn']} | {ms(r['b'])} | {r['mn']} | {ms(r['m'])} | {ms(r['g'])} | {r['fail']} |")
PY
