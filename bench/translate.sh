#!/usr/bin/env bash
# Zero-shot translation benchmark (Johnson et al. 2017 on the built-in numbers corpus): for two language triples, one
# multilingual model trained on X<->en and en<->Y, tested on X<->Y it never saw (zero-shot), against the same model
# bridged through English and a model also trained on X<->Y (direct). Several seeds; prints markdown.
# Usage: bench/translate.sh [SEEDS] [EPOCHS] [TRAIN_ROWS] [MAX_NUMBER]      e.g. bench/translate.sh "0 1 2" 12 700 999
# Env: THREADS (1), TEST (200 test rows), TOKENIZER (chars | o200k; default chars), TRIPLES ("fr-de ko-ja"), OUT (keep the run folders there; default a temporary
#      folder, removed), TABLE_ONLY=1 (print the table of the run folders already in OUT).
#        bench/translate.sh --throughput [RUNS]   training tokens/s of ours against PyTorch's nn.Transformer of the same size
#          on the same TSV corpus (bench/translate/numbers-en-fr-de.tsv), pairs, batching and loss, alternating, same threads
#          (Debian python3-torch 1.13 with OpenBLAS unpacked into OBLAS_DIR as bench/throughput.sh does); prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --throughput ]; then
  RUNS=${2:-2} THREADS=${THREADS:-1} PY=${PY:-/usr/bin/python3} OBLAS_DIR=${OBLAS_DIR:-/tmp/oblas}
  OB=$OBLAS_DIR/root/usr/lib/x86_64-linux-gnu/openblas-openmp
  [ -e "$OB/libblas.so.3" ] || { mkdir -p "$OBLAS_DIR"; (cd "$OBLAS_DIR" && apt-get download libopenblas0-openmp >/dev/null 2>&1 && dpkg -x libopenblas0-openmp_*.deb root); }
  dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
  tsv=bench/translate/numbers-en-fr-de.tsv dirs=en-fr,fr-en,en-de,de-en
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  for i in $(seq "$RUNS"); do
    dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll translate train --corpus $tsv --train $dirs --zero-shot fr-de --no-direct \
      --epochs 1 --validation-rows 1 --test-rows 2 --threads "$THREADS" --runs "$tmp/$i" >/dev/null
    ours=$(python3 -c "import json,glob; print(json.load(open(glob.glob('$tmp/$i/*/metrics.json')[0]))['training']['tokens_per_second'])")
    theirs=$(env LD_LIBRARY_PATH="$OB" OPENBLAS_CORETYPE=Haswell "$PY" bench/translate/pytorch_step.py $tsv $dirs 1 32 "$THREADS" | awk '/^RESULT/ {print $3}')
    echo "run $i: TransferSharp $ours tokens/s, PyTorch $theirs tokens/s, ratio $(python3 -c "print(round($ours / $theirs, 2))")"
  done
  exit 0
fi
SEEDS=${1:-"0 1 2"} EPOCHS=${2:-12} ROWS=${3:-700} MAX=${4:-999} THREADS=${THREADS:-1} TEST=${TEST:-200} TOKENIZER=${TOKENIZER:-chars}
if [ -n "${OUT:-}" ]; then out=$OUT; mkdir -p "$out"; else out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi
[ "${TABLE_ONLY:-0}" = 1 ] || dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
start=$(date +%s)
declare -A TRAIN=([fr-de]="en-fr,fr-en,en-de,de-en" [ko-ja]="ko-en,en-ko,en-ja,ja-en")
declare -A ZERO=([fr-de]="fr-de,de-fr" [ko-ja]="ko-ja,ja-ko")
TRIPLES=${TRIPLES:-"fr-de ko-ja"}
for s in $SEEDS; do
  [ "${TABLE_ONLY:-0}" = 1 ] && break
  for t in $TRIPLES; do
    dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll translate train --train "${TRAIN[$t]}" --zero-shot "${ZERO[$t]}" \
      --epochs "$EPOCHS" --train-rows "$ROWS" --max-number "$MAX" --test-rows "$TEST" --seed "$s" --threads "$THREADS" \
      --tokenizer "$TOKENIZER" --runs "$out/$t/$s" >/dev/null
  done
done
python3 - "$out" "$EPOCHS" "$ROWS" "$MAX" "$THREADS" "$TEST" "$(( $(date +%s) - start ))" "$TOKENIZER" <<'PY'
import json, glob, statistics as st, sys, os, collections
out, epochs, rows_, maximum, threads, test, seconds, tokenizer = sys.argv[1:]
runs = collections.defaultdict(list)
for f in sorted(glob.glob(f"{out}/*/*/translate-*/metrics.json")):
    triple = f[len(out)+1:].split("/")[0]
    runs[triple].append(json.load(open(f)))
def ms(v, scale=1): return f"{scale*st.mean(v):.1f} ± {scale*(st.stdev(v) if len(v) > 1 else 0):.1f}"
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
n = len(next(iter(runs.values())))
print(f"`transfer translate train --epochs {epochs} --train-rows {rows_} --max-number {maximum} --test-rows {test} --threads {threads} --tokenizer {tokenizer}` "
      f"(defaults otherwise: d=64, 2+2 layers, 4 heads, feed-forward 256, batch 32, Adam 3e-3 cosine, label smoothing 0.1), {n} seeds, {os.cpu_count()} x {cpu}, {seconds} s in all\n")
print("| triple | system | directions | exact match % | chrF | BLEU | wrong language % |")
print("|---|---|---|---:|---:|---:|---:|")
for triple, rs in runs.items():
    for system in ["supervised", "zero-shot", "bridged", "direct"]:
        cells = [[s for s in r["scores"] if s["system"] == system] for r in rs]
        if not cells[0]: continue
        dirs = ", ".join(s["direction"] for s in cells[0])
        mean = lambda key: [st.mean(s[key] for s in c) for c in cells]
        print(f"| {triple} | {system} | {dirs} | {ms(mean('exact_match'), 100)} | {ms(mean('chr_f'))} | {ms(mean('bleu'))} | {ms(mean('wrong_language'), 100)} |")
print("\n| triple | encoder retrieval across languages % (chance) | training s (multilingual) | tokens/s |")
print("|---|---:|---:|---:|")
for triple, rs in runs.items():
    print(f"| {triple} | {ms([r['retrieval']['mean_accuracy'] for r in rs], 100)} ({100/rs[0]['retrieval']['sentences']:.1f}) | "
          f"{ms([r['training']['seconds'] for r in rs])} | {ms([r['training']['tokens_per_second'] for r in rs])} |")
print("\nZero-shot samples (seed of the first run):\n")
for triple, rs in runs.items():
    for s in rs[0]["scores"]:
        if s["system"] != "zero-shot": continue
        for x in s["samples"][:2]:
            print(f"- {triple} {s['direction']}: `{x['source']}` → `{x['output']}` (reference `{x['reference']}`)")
PY
