#!/bin/sh
# Coverage-guided fuzzing of every reader with SharpFuzz + AFL++ (Debian package afl++, dotnet tool
# SharpFuzz.CommandLine 2.3.0). Usage: fuzz/run.sh [seconds per reader, default 180] [reader ...]
# Publishes the harness to fuzz/out, instruments TransferSharp.dll there (never the build output), runs afl-fuzz on
# each reader for a fixed time and prints executions and crashes from AFL's fuzzer_stats. Findings: fuzz/findings/<reader>.
set -eu
export PATH="$PATH:$HOME/.dotnet/tools"
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-180}
[ $# -gt 0 ] && shift
readers=${*:-"idx idx-pair gzip csv image safetensors sidecar attributes wordvectors corpus pairs sentences"}
out="$here/out"
rm -rf "$out"; mkdir -p "$here/findings"
dotnet publish "$here/TransferSharp.Fuzz/TransferSharp.Fuzz.csproj" -c Release -o "$out" -nologo -v q
sharpfuzz "$out/TransferSharp.dll"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
printf '| reader | seconds | executions | paths | crashes | hangs |\n|---|---|---|---|---|---|\n'
for r in $readers; do
  rm -rf "$here/findings/$r"
  afl-fuzz -V "$seconds" -t 10000 -m none -i "$here/seeds/$r" -o "$here/findings/$r" -- dotnet "$out/TransferSharp.Fuzz.dll" "$r" \
    > "$here/findings/$r.log" 2>&1 || true
  stats="$here/findings/$r/default/fuzzer_stats"
  get() { sed -n "s/^$1 *: *//p" "$stats" 2>/dev/null; }
  printf '| %s | %s | %s | %s | %s | %s |\n' "$r" "$seconds" "$(get execs_done)" "$(get corpus_count)" "$(get saved_crashes)" "$(get saved_hangs)"
done
