#!/usr/bin/env bash
# Domain adaptation benchmark: source only, DANN, CDAN, MMD, CORAL, MCD, MCC, SHOT-IM, SHOT, AdaBN and trained on target, on MNIST -> MNIST-M and
# MNIST -> optdigits (upsampled to 28x28), several seeds; prints a markdown table (mean ± std of the target's
# held-out accuracy, and the fraction of the source-only -> trained-on-target gap each method closes).
# Usage: bench/dann.sh            (env: SEEDS="0 1 2" EPOCHS=1 STEPS=300 BATCH=32 THREADS=1 PAIRS="mnist-m optdigits")
# A pair is a target (the source is mnist) or source:target, e.g. PAIRS="synth-digits mnist-inverted synth-digits:mnist";
# its folder under OUT/RAW is the target's name, or <source>-to-<target>. PARALLEL=N runs N pairs at a time (default: all).
# Extra `transfer adapt` options for every run can be given as arguments, e.g. bench/dann.sh --max-lambda 1
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${SEEDS:-"0 1 2"} EPOCHS=${EPOCHS:-1} STEPS=${STEPS:-300} BATCH=${BATCH:-32} THREADS=${THREADS:-1}
PAIRS=${PAIRS:-"mnist-m optdigits"}
# Rows: the methods (adabn is the default since 2026-12-06, cdan before; until the methods were separated, `--method dann` ran cdan and plain DANN was
# `--method dann --no-conditioning`), plus a control: the CDAN network trained with reversal coefficient 0, i.e. target
# batches pass through the batch-norm bottleneck but no gradient aligns the domains. The gain of an aligning method
# over this control is what alignment itself gives; over source only it also includes the target's batch statistics.
METHODS=${METHODS:-"source-only cdan dann cdan-lambda0 mmd coral mcd target-only"}
method_args() {
  case $1 in
    cdan-lambda0) echo "--method cdan --max-lambda 0" ;;
    # DANN with Ganin & Lempitsky's settings as far as the library has them: no bottleneck, one 100-unit domain-classifier
    # layer without batch norm, the reversal coefficient ramped to 1, SGD with momentum 0.9 at 0.01 and the paper's
    # μ0/(1+10p)^0.75 decay (the default schedule); the paper's batch is 64 + 64 and its budget far longer.
    dann-paper) echo "--method dann --bottleneck 0 --discriminator-width 100 --discriminator-layers 1 --no-discriminator-bn --max-lambda 1 --optimizer sgd --lr 0.01 --momentum 0.9" ;;
    # SHOT-IM / SHOT whose first phase is CDAN instead of source-only training.
    shot-im-aligned|shot-aligned) echo "--method ${1%-aligned} --aligned-source-phase" ;;
    # <method>-w<F>: the method with a source-only warm-up over the first fraction F of the run, e.g. cdan-w0.3.
    *-w[0-9]*) echo "--method ${1%-w*} --warmup ${1##*-w}" ;;
    *) echo "--method $1" ;;
  esac
}
# BIN=folder runs a copy of the build (e.g. cp -r src/TransferSharp.Cli/bin/Release/net10.0 /tmp/bin-<commit>), so
# that the tree can be rebuilt while the benchmark runs; without it the tree is built and its own bin is run.
if [[ -n ${BIN:-} ]]; then dll=$BIN/transfer.dll
else dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null; dll=src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll; fi
out=${OUT:-$(mktemp -d)}
# The metrics.json of every run are kept (without checkpoints) so the table can be traced: RAW=folder (default
# bench/dann/raw-<steps>).
raw=${RAW:-bench/dann/raw-$((EPOCHS * STEPS))}
start=$(date +%s)
# One process per pair, in parallel (one thread each: on a busy 2-core machine two single-threaded runs are much
# faster than one run with two threads, whose threads wait on each other).
PARALLEL=${PARALLEL:-0}
running=0
for pair in $PAIRS; do
  if [[ $pair == *:* ]]; then source=${pair%%:*} target=${pair#*:} dir="$source-to-$target"; else source=mnist target=$pair dir=$pair; fi
  (for method in $METHODS; do
    for s in $SEEDS; do
      t0=$(date +%s.%N)
      # shellcheck disable=SC2046
      dotnet "$dll" adapt --source "$source" --target "$target" $(method_args "$method") \
        --epochs "$EPOCHS" --steps-per-epoch "$STEPS" --batch-size "$BATCH" --seed "$s" --threads "$THREADS" \
        --tsne 0 --no-baseline --runs "$out/$dir/$method/$s" "$@" >/dev/null
      echo "$(date +%s.%N) - $t0" | bc > "$out/$dir/$method/$s/wall-seconds"
    done
  done) &
  running=$((running + 1))
  if (( PARALLEL > 0 && running >= PARALLEL )); then wait -n; running=$((running - 1)); fi
done
wait
elapsed=$(( $(date +%s) - start ))
rm -rf "$raw"
for f in "$out"/*/*/*/adapt-*/metrics.json; do
  rel=${f#"$out"/}; mkdir -p "$raw/$(dirname "$(dirname "$rel")")"
  cp "$f" "$raw/$(dirname "$(dirname "$rel")")/metrics.json"
  cp "$(dirname "$(dirname "$f")")/wall-seconds" "$raw/$(dirname "$(dirname "$rel")")/" 2>/dev/null || true
done
python3 - "$out" "$EPOCHS" "$STEPS" "$BATCH" "$THREADS" "$elapsed" "$*" <<'PY'
import json, glob, statistics as st, sys, os, platform
out, epochs, steps, batch, threads, elapsed, extra = sys.argv[1:]
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
methods = ["source-only", "cdan", "dann", "cdan-lambda0", "mmd", "coral", "mcd", "mcc", "shot-im", "shot", "adabn", "mean-teacher", "target-only"]
# Variants (e.g. cdan-w0.3) after the known methods, before target only.
extra_methods = sorted({m for p in os.listdir(out) for m in os.listdir(f"{out}/{p}")} - set(methods))
methods = methods[:-1] + extra_methods + methods[-1:]
labels = {"cdan": "CDAN", "dann": "DANN, plain", "dann-paper": "DANN, the paper's settings",
          "cdan-lambda0": "control: CDAN network, lambda = 0", "mmd": "MMD", "coral": "Deep CORAL",
          "mcd": "MCD (F1 head)", "mcc": "MCC", "shot-im": "SHOT-IM (source-free 2nd half)", "shot": "SHOT (IM + pseudo-labels, source-free 2nd half)", "adabn": "AdaBN (default)", "mean-teacher": "mean teacher",
          "source-only": "source only", "target-only": "trained on target"}
print(f"`transfer adapt --source S --target T --method M --epochs {epochs} --steps-per-epoch {steps} --batch-size {batch} "
      f"--threads {threads} --tsne 0 --no-baseline {extra}`, {int(epochs)*int(steps)} steps of {batch} source + {batch} target, "
      f"{os.cpu_count()} x {cpu}, total {int(elapsed)//60} min {int(elapsed)%60} s\n")
print("| pair | method | target accuracy (mean ± std) | per seed | gain over source only | gap closed | gain over the λ = 0 control | source accuracy | domain acc (last epoch) | wall time per run |")
print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|")
for pair in sorted(os.listdir(out)):
    acc = {}
    rows = {}
    for m in methods:
        runs = [json.load(open(f)) for f in sorted(glob.glob(f"{out}/{pair}/{m}/*/adapt-*/metrics.json"))]
        if not runs: continue
        t = [r["metrics"]["target_accuracy"] * 100 for r in runs]
        s = [r["metrics"]["source_accuracy"] * 100 for r in runs]
        d = [r["metrics"]["domain_accuracy"] * 100 for r in runs if "domain_accuracy" in r["metrics"]]
        acc[m] = st.mean(t)
        walls = [float(open(w).read()) for w in sorted(glob.glob(f"{out}/{pair}/{m}/*/wall-seconds"))]
        rows[m] = (t, s, d, walls)
    lo, hi, ctl = acc.get("source-only"), acc.get("target-only"), acc.get("cdan-lambda0")
    for m, (t, s, d, walls) in rows.items():
        sd = st.stdev(t) if len(t) > 1 else 0
        gain = f"{acc[m] - lo:+.2f}" if lo is not None and m != "source-only" else "-"
        gap = f"{(acc[m] - lo) / (hi - lo) * 100:.0f} %" if lo is not None and hi is not None and hi > lo and m not in ("source-only", "target-only") else "-"
        dom = f"{st.mean(d):.1f} %" if d else "-"
        over_ctl = f"{acc[m] - ctl:+.2f}" if ctl is not None and m not in ("source-only", "target-only", "cdan-lambda0") else "-"
        wall = f"{st.mean(walls):.0f} s" if walls else "-"
        name = pair.replace("-to-", " → ") if "-to-" in pair else f"mnist → {pair}"
        print(f"| {name} | {labels.get(m, m)} | {acc[m]:.2f} ± {sd:.2f} % | {', '.join(f'{x:.2f}' for x in t)} | {gain} | {gap} | {over_ctl} | {st.mean(s):.2f} % | {dom} | {wall} |")
PY
