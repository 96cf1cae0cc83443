#!/usr/bin/env bash
# Throughput of the library's own trainers (issue 9): W1-W4 plus the memory check; prints a markdown table.
# Usage: bench/throughput.sh [WORKLOADS]      e.g. bench/throughput.sh "w1 w4"      (default: all, then memory)
# Env: BENCH_SECS (4) seconds per timed run, BENCH_RUNS (3) timed runs, BENCH_THREADS (2), SKIP_MEMORY=1,
#      TRANSFERSHARP_MALLOC_TUNING=0 to switch the library's glibc allocator tuning off.
# Each workload runs in its own process (so peak RSS is that workload's): one warm-up run, then BENCH_RUNS runs.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKLOADS=${1:-"w1 w2 w2plain w2peer w3 w4"}
dotnet build bench/throughput/Throughput.csproj -c Release -nologo -v q >/dev/null
bin="dotnet bench/throughput/bin/Release/net10.0/Throughput.dll"
out=$(mktemp); trap 'rm -f "$out"' EXIT
$bin info >>"$out"
# Before each workload, wait (at most 40 s) for the 1-minute load average to fall below 1.5; it is printed with the row.
quiet() { for _ in $(seq 1 20); do awk '{exit !($1 < 1.5)}' /proc/loadavg && break; sleep 2; done; echo "LOAD|$(cut -d' ' -f1 /proc/loadavg)" >>"$out"; }
for w in $WORKLOADS; do quiet; $bin "$w" >>"$out" 2>/dev/null; done
[ "${SKIP_MEMORY:-0}" = 1 ] || { quiet; $bin memory >>"$out"; }
python3 - "$out" "${BENCH_RUNS:-3}" "${BENCH_SECS:-4}" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
runs, secs = sys.argv[2], sys.argv[3]
# The issue's bar (2 vCPU AMD EPYC, 2 threads, tuned malloc): PyTorch 1.13 + OpenBLAS, and the bare TorchSharp loop.
bar = {"W1": (9446, 8455), "W2": (7876, 6995), "W3": (71518, 44488), "W4": (8110, 7521)}
for l in lines:
    if l.startswith("INFO|"):
        _, machine, net, ts, threads, tuned = l.split("|")
        print(f"{machine}; {net}; {ts} (libtorch 2.10); {threads}; {tuned}\n")
print(f"warm-up run, then median of {runs} timed runs of about {secs} s each; peak RSS = VmHWM of the workload's process\n")
print("| workload | images/s (median) | min – max | peak RSS MiB | load before | PyTorch (issue) | ratio to PyTorch | bare TorchSharp (issue) | ratio to bare |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
load = "?"
for l in lines:
    if l.startswith("LOAD|"): load = l.split("|")[1]
    if l.startswith("ROW|"):
        _, name, med, lo, hi, hwm, n, note = l.split("|")
        py, ts = bar[name[:2]]
        name = name + (f" ¹" if note else "")
        print(f"| {name} | {float(med):,.0f} | {float(lo):,.0f} – {float(hi):,.0f} | {hwm} | {load} | {py:,} | {float(med)/py:.2f} | {ts:,} | {float(med)/ts:.2f} |")
if any(l.startswith("ROW|W3") for l in lines):
    print("\n¹ the SelfTaught autoencoder has one hidden layer: 784-256-784 (sigmoid code, KL sparsity, weight decay) stands in for 784-256-64-256-784.")
for l in lines:
    if l.startswith("MEMORY|"):
        _, batch, series, a, b, d, t, managed = l.split("|")
        print(f"\nMemory: W1 LeNet training, {batch}, one Fit call: RSS after 1,000 steps {a} MiB, after 10,000 steps {b} MiB ({d}); {t}.")
        print(f"RSS MiB by step: {series}.  {managed}.")
PY
