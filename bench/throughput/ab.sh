#!/usr/bin/env bash
# A/B throughput of two builds of the library (e.g. before and after a refactoring), alternating processes so that the
# machine's load hits both alike. Build bench/throughput in each checkout first.
# Usage: A=<old checkout> B=<new checkout> [WORKLOADS="w1 w2 w3 w4"] [ROUNDS=3] [BENCH_SECS=3] bench/throughput/ab.sh
# Prints "workload|round|A img/s|B img/s|load average".
set -uo pipefail
dll=bench/throughput/bin/Release/net10.0/Throughput.dll
export BENCH_SECS=${BENCH_SECS:-3} BENCH_RUNS=${BENCH_RUNS:-1} BENCH_THREADS=${BENCH_THREADS:-2}
for w in ${WORKLOADS:-w1 w2 w3 w4}; do
  for r in $(seq 1 "${ROUNDS:-3}"); do
    a=$(dotnet "$A/$dll" "$w" 2>/dev/null | grep ^ROW | cut -d'|' -f3)
    b=$(dotnet "$B/$dll" "$w" 2>/dev/null | grep ^ROW | cut -d'|' -f3)
    echo "$w|$r|$a|$b|$(cut -d' ' -f1 /proc/loadavg)"
  done
done
