#!/usr/bin/env bash
# Throughput of the library's own trainers (issue 9), each next to PyTorch on the same workload, re-measured now.
# Usage: bench/throughput.sh [WORKLOADS]      e.g. bench/throughput.sh "w1 r1"   (default: all, then the memory check)
#        bench/throughput.sh --table FILE   prints the table again from a run's raw lines (bench/throughput/last-run.txt)
# Env: BENCH_SECS (4) seconds per timed run, BENCH_RUNS (3) timed runs, BENCH_THREADS (2), SKIP_MEMORY=1, SKIP_PYTORCH=1,
#      PEER_DIR (../shared/bench/peer: the PyTorch side of W1-W4), PY (/usr/bin/python3 with Debian python3-torch and
#      python3-torchvision), OBLAS_DIR (/tmp/oblas), TRANSFERSHARP_MALLOC_TUNING=0 to switch the library's tuning off.
# Each workload runs in its own process (peak RSS is that workload's): one warm-up run, then BENCH_RUNS timed runs.
# PyTorch 1.13 runs as in the issue's table: OpenBLAS (OpenMP build, AVX2 kernels), glibc malloc tuned by environment
# variables (the same values the library sets with mallopt), 2 intra-op threads; BENCH_RUNS processes, alternating
# with ours (one before, the rest after), median reported.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --table ]; then out=$2; export BENCH_RUNS=${BENCH_RUNS:-3} BENCH_SECS=${BENCH_SECS:-4}; else
WORKLOADS=${1:-"w1 w2 w2plain w2peer w3 w3plain w4 r1 r2"}
PEER_DIR=${PEER_DIR:-../shared/bench/peer}
PY=${PY:-/usr/bin/python3}
OBLAS_DIR=${OBLAS_DIR:-/tmp/oblas}
export BENCH_SECS=${BENCH_SECS:-4} BENCH_RUNS=${BENCH_RUNS:-3} BENCH_THREADS=${BENCH_THREADS:-2} BENCH_WARMUP=${BENCH_WARMUP:-10}
dotnet build bench/throughput/Throughput.csproj -c Release -nologo -v q >/dev/null
bin="dotnet bench/throughput/bin/Release/net10.0/Throughput.dll"
out=bench/throughput/last-run.txt; : >"$out"   # the raw lines, kept for checking the table
$bin info >>"$out"

pytorch=1
if [ "${SKIP_PYTORCH:-0}" = 1 ] || ! "$PY" -c 'import torch, torchvision' 2>/dev/null; then
  pytorch=0; echo "NOTE|PyTorch not measured (SKIP_PYTORCH=1, or $PY lacks torch/torchvision: apt-get install python3-torch python3-torchvision)" >>"$out"
fi
OB=$OBLAS_DIR/root/usr/lib/x86_64-linux-gnu/openblas-openmp
if [ $pytorch = 1 ] && [ ! -e "$OB/libblas.so.3" ]; then   # unpacked only: the system BLAS alternative is untouched
  mkdir -p "$OBLAS_DIR"; (cd "$OBLAS_DIR" && apt-get download libopenblas0-openmp >/dev/null 2>&1 && dpkg -x libopenblas0-openmp_*.deb root) \
    || echo "NOTE|OpenBLAS could not be fetched: PyTorch uses Debian's reference BLAS (slower than the issue's column)" >>"$out"
fi
py() {  # workload -> one "PY|workload|img/s|peak MiB" line
  local w=$1 line
  if [[ $w == r* ]]; then script=(bench/throughput/peer_resnet.py "$w"); else script=("$PEER_DIR/py/bench.py" "$w"); fi
  line=$(env LD_LIBRARY_PATH="$OB" OPENBLAS_CORETYPE=Haswell MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 \
         BENCH_RUNS=1 "$PY" "${script[@]}" 2>/dev/null | grep -E '^(RESULT|ROW)' | head -1) || true
  case "$line" in
    RESULT*) echo "PY|$w|$(echo "$line" | awk '{print $4}')" ;;
    ROW*) echo "PY|$w|$(echo "$line" | cut -d'|' -f3)" ;;
    *) echo "PY|$w|nan" ;;
  esac
}
# Before each workload, wait (at most 40 s) for the 1-minute load average to fall below 1.5; it is printed with the row.
quiet() { for _ in $(seq 1 20); do awk '{exit !($1 < 1.5)}' /proc/loadavg && break; sleep 2; done; echo "LOAD|$(cut -d' ' -f1 /proc/loadavg)" >>"$out"; }
declare -A peer=([w1]=w1 [w2]=w2 [w2plain]=w2 [w2peer]=w2 [w3]=w3 [w3plain]=w3 [w4]=w4 [r1]=r1 [r2]=r2)
for w in $WORKLOADS; do
  quiet
  p=${peer[$w]:-}
  if [ $pytorch = 1 ] && [ -n "$p" ]; then py "$p" >>"$out"; fi
  $bin "$w" >>"$out" 2>/dev/null
  if [ $pytorch = 1 ] && [ -n "$p" ]; then for _ in $(seq 2 "$BENCH_RUNS"); do py "$p" >>"$out"; done; fi
done
[ "${SKIP_MEMORY:-0}" = 1 ] || { quiet; $bin memory >>"$out"; }
fi
python3 - "$out" <<'PY'
import sys, statistics, os
lines = open(sys.argv[1]).read().split("\n")
runs, secs = os.environ["BENCH_RUNS"], os.environ["BENCH_SECS"]
# The issue's table (2 vCPU AMD EPYC, 2 threads, tuned malloc): PyTorch 1.13 + OpenBLAS, and the bare TorchSharp loop.
bar = {"W1": (9446, 8455), "W2": (7876, 6995), "W3": (71518, 44488), "W4": (8110, 7521)}
for l in lines:
    if l.startswith("INFO|"):
        _, machine, net, ts, threads, tuned = l.split("|")
        print(f"{machine}; {net}; {ts} (libtorch 2.10); {threads}; {tuned}\n")
    if l.startswith("NOTE|"): print(l[5:] + "\n")
print(f"Ours: warm-up run, then median of {runs} timed runs of about {secs} s each in one process; peak RSS = VmHWM of that process.")
print(f"PyTorch: median of {runs} processes, alternating with ours, measured now.\n")
print("| workload | ours img/s (median) | min – max | peak RSS MiB | load before | PyTorch now: median (runs) | ratio | PyTorch (issue) | ratio to issue |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
# One block per workload: LOAD, then its PyTorch runs and its ROW in any order.
blocks, cur = [], None
for l in lines:
    if l.startswith("LOAD|"):
        cur = {"load": l.split("|")[1], "py": [], "row": None}; blocks.append(cur)
    elif l.startswith("PY|") and cur is not None:
        v = float(l.split("|")[2])
        if v == v: cur["py"].append(v)
    elif l.startswith("ROW|") and cur is not None:
        cur["row"] = l
for b in blocks:
    if not b["row"]: continue
    _, name, med, lo, hi, hwm, n, note = b["row"].split("|")
    key = name[:2].upper()
    now = statistics.median(b["py"]) if b["py"] else None
    issue = bar.get(key, (None, None))[0]
    cell = lambda x: (f"{x:,.0f}" if x >= 100 else f"{x:.1f}") if x else "–"
    ratio = lambda x: f"{float(med)/x:.2f}" if x else "–"
    runs_py = " (" + ", ".join(cell(v) for v in b["py"]) + ")" if b["py"] else ""
    print(f"| {name} | {cell(float(med))} | {cell(float(lo))} – {cell(float(hi))} | {hwm} | {b['load']} | "
          f"{cell(now)}{runs_py} | {ratio(now)} | {cell(issue)} | {ratio(issue)} |")
for l in lines:
    if l.startswith("MEMORY|"):
        _, batch, series, a, b, d, t, managed = l.split("|")
        print(f"\nMemory: W1 LeNet training, {batch}, one Fit call: RSS after 1,000 steps {a} MiB, after 10,000 steps {b} MiB ({d}); {t}.")
        print(f"RSS MiB by step: {series}.  {managed}.")
PY
