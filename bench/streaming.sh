#!/usr/bin/env bash
# Streaming image folders (issue 9): decode+resize throughput and one LeNet epoch over a 50,000-image folder with the
# memory it needs; prints a markdown table.
# Usage: bench/streaming.sh            Env: BENCH_DIR (/tmp/transfersharp-stream-50k), BENCH_IMAGES (50000),
#        BENCH_RUNS (3) timed decode passes per thread count, BENCH_TORCH_THREADS (1) libtorch threads while training.
# The folder is generated once (mnist-m digits upscaled to 64x64 JPEG, five colour variants) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/transfersharp-stream-50k}
N=${BENCH_IMAGES:-50000}
RUNS=${BENCH_RUNS:-3}
dotnet build bench/streaming/Streaming.csproj -c Release -nologo -v q >/dev/null
bin="dotnet bench/streaming/bin/Release/net10.0/Streaming.dll"
if [ "$(find "$DIR" -name '*.jpg' 2>/dev/null | wc -l)" != "$N" ]; then rm -rf "$DIR"; $bin generate "$DIR" "$N"; fi
out=$(mktemp); trap 'rm -f "$out"' EXIT
echo "INFO|$(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)|$(du -sh "$DIR" | cut -f1)" >>"$out"
for t in 1 2; do $bin decode "$DIR" "$t" "$RUNS" >>"$out"; done
/usr/bin/time -f "TIME|%e|%M" $bin train "$DIR" 1 >>"$out" 2>>"$out"
python3 - "$out" "$RUNS" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
runs = sys.argv[2]
for l in lines:
    if l.startswith("INFO|"):
        _, machine, size = l.split("|")
        print(f"{machine}; folder {size} on disk\n")
print(f"(a) decode + resize to 3x64x64 through StreamingImageFolder (batches of 256, queue 8, shuffled), no training; median of {runs} passes\n")
print("| decode threads | images/s (median) | min – max | images | load average |")
print("|---:|---:|---:|---:|---:|")
for l in lines:
    if l.startswith("DECODE|"):
        _, t, med, lo, hi, n, load = l.split("|")
        print(f"| {t} | {int(med):,} | {int(lo):,} – {int(hi):,} | {int(n):,} | {load} |")
for l in lines:
    if l.startswith("TRAIN|"):
        (_, t, tt, n, secs, acc, before, hwm, tensor, wait, waited, batches, peak, cap, alloc, gen2, load) = l.split("|")
        print(f"\n(b, c) one LeNet epoch (Adam, batch 64, seed 0) over {int(n):,} images through the stream: {t} decode thread, "
              f"{tt} libtorch thread, queue capacity {cap}; load average {load} at the end\n")
        print("| measure | value |")
        print("|---|---:|")
        print(f"| epoch time | {float(secs):.1f} s ({int(n) / float(secs):,.0f} images/s) |")
        print(f"| train accuracy over the epoch | {float(acc):.1%} |")
        print(f"| RSS before training (model built, folder listed) | {before} MiB |")
        print(f"| peak RSS of the process (VmHWM) | {hwm} MiB |")
        print(f"| what ImageFolder.Read needs for the tensor alone (N·3·64·64·4 bytes) | {int(tensor):,} MiB |")
        print(f"| consumer (training step) blocked on the queue | {float(wait):.2f} s, for {waited} of {batches} batches |")
        print(f"| peak batches buffered / capacity | {peak} / {cap} |")
        print(f"| managed bytes allocated during the epoch | {alloc} MiB |")
        print(f"| gen-2 garbage collections during the epoch | {gen2} |")
    if l.startswith("RSS|"):
        print(f"\nRSS (MiB) sampled every 0.5 s over the epoch: {l[4:]}")
    if l.startswith("TIME|"):
        _, e, m = l.split("|")
        print(f"\n/usr/bin/time for the training process: {float(e):.0f} s wall, max RSS {int(m) / 1024:.0f} MiB")
PY
