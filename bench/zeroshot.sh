#!/usr/bin/env bash
# Zero-shot benchmark (issue 20): descriptions (hand-written attributes, class names, sentences; the last two embedded
# by the built-in text encoder all-MiniLM-L6-v2) x methods (DAP, embedding, embedding with ALE's ranking loss and unit
# class vectors, ConSE, ESZSL) on Fashion-MNIST and MNIST, two unseen splits each, several seeds. Generalized zero-shot
# with γ chosen on seen classes (the default), next to the oracle γ picked on test labels. Prints markdown.
# Usage: bench/zeroshot.sh [FASHION_SEEDS] [MNIST_SEEDS] [MODEL] [EPOCHS]     e.g. bench/zeroshot.sh "0 1 2" "0" mlp 4
set -euo pipefail
cd "$(dirname "$0")/.."
FSEEDS=${1:-"0 1 2"} MSEEDS=${2:-"0"} MODEL=${3:-mlp} EPOCHS=${4:-4} THREADS=${THREADS:-1}
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
# A copy of the build, so that rebuilding the checkout during the run changes nothing.
cp -r src/TransferSharp.Cli/bin/Release/net10.0 "$out/bin"
transfer="$out/bin/transfer.dll"
start=$(date +%s)
repo=$(pwd)
declare -A METHOD=([dap]="--method dap" [embedding]="--method embedding" [conse]="--method conse" [eszsl]="--method eszsl"
                   [ale]="--method embedding --loss ranking --normalize-descriptions")
run() {   # folder data unseen descriptions method seed [extra]
  # shellcheck disable=SC2086
  dotnet "$transfer" zeroshot --data "$2" --unseen "$3" --descriptions "$4" ${METHOD[$5]} \
    --model "$MODEL" --epochs "$EPOCHS" --seed "$6" --threads "$THREADS" --generalized --runs "$out/$1" ${7:-} >/dev/null
}
# 1. The name template, chosen on classes that are seen in every split below (Dress, Shirt, Bag held out; seed 0).
for t in "{0}" "a photo of a {0}"; do
  dotnet "$transfer" zeroshot --data fashion-mnist --unseen "Dress,Shirt,Bag" --descriptions names \
    --name-template "$t" --method embedding --model "$MODEL" --epochs "$EPOCHS" --seed 0 --threads "$THREADS" --generalized --runs "$out/template/$t" >/dev/null
done
# 2. The grid.
grid() {   # data split unseen attributes sentences seeds
  for s in $6; do
    for m in dap embedding ale conse eszsl; do run "grid/$1/$2/attributes/$m/$s" "$1" "$3" "$4" $m $s; done
    for m in embedding ale conse eszsl; do
      run "grid/$1/$2/names/$m/$s" "$1" "$3" names $m $s
      run "grid/$1/$2/sentences/$m/$s" "$1" "$3" "$5" $m $s
    done
  done
}
grid fashion-mnist A "Trouser,Pullover,Sandal" builtin "$repo/data/descriptions/fashion-mnist.txt" "$FSEEDS"
grid fashion-mnist B "T-shirt/top,Coat,Sneaker" builtin "$repo/data/descriptions/fashion-mnist.txt" "$FSEEDS"
grid mnist A "3,7,9" builtin "$repo/data/descriptions/digits.txt" "$MSEEDS"
grid mnist B "0,4,6" builtin "$repo/data/descriptions/digits.txt" "$MSEEDS"
python3 - "$out" "$MODEL" "$EPOCHS" "$THREADS" "$(( $(date +%s) - start ))" <<'PY'
import json, glob, statistics as st, sys, os, collections
out, model, epochs, threads, seconds = sys.argv[1:]
def ms(v): return f"{100*st.mean(v):.1f} ± {100*(st.stdev(v) if len(v) > 1 else 0):.1f}"
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"`transfer zeroshot --model {model} --epochs {epochs} --threads {threads} --generalized`, {os.cpu_count()} x {cpu}, {seconds} s in all\n")
print("Name template (embedding, Fashion-MNIST, Dress, Shirt, Bag held out, seed 0; these classes are seen in every split below):\n")
print("| template | zero-shot acc % |\n|---|---:|")
for f in sorted(glob.glob(f"{out}/template/*/zeroshot-*/metrics.json")):
    m = json.load(open(f)); print(f"| `{m['descriptions'].removeprefix('names:')}` | {100*m['metrics']['unseen_accuracy']:.1f} |")
rows = collections.defaultdict(list)
for f in glob.glob(f"{out}/grid/*/*/*/*/*/zeroshot-*/metrics.json"):
    data, split, desc, method, seed = f[len(out)+6:].split("/")[:5]
    rows[(data, split, desc, method)].append(json.load(open(f)))
order = {"dap": 0, "embedding": 1, "ale": 2, "conse": 3, "eszsl": 4}
dorder = {"attributes": 0, "names": 1, "sentences": 2}
print(f"\nPer split, mean ± sd over seeds (Fashion-MNIST {len(next(v for k, v in rows.items() if k[0] == 'fashion-mnist'))} seeds, "
      f"MNIST {len(next(v for k, v in rows.items() if k[0] == 'mnist'))}):\n")
print("| data | unseen | descriptions | method | ZSL acc % | GZSL s % | GZSL u % | GZSL H % (γ chosen on seen) | γ chosen | H % at oracle γ (test-picked) |")
print("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
for key in sorted(rows, key=lambda k: (k[0], k[1], dorder[k[2]], order[k[3]])):
    r = rows[key]; g = lambda k: [x["metrics"][k] for x in r]
    gam = st.mean(x["calibration"]["gamma"] for x in r)
    print(f"| {key[0]} | {', '.join(r[0]['unseen'])} | {key[2]} | {key[3]} | {ms(g('unseen_accuracy'))} | {ms(g('generalized_seen_accuracy'))} | "
          f"{ms(g('generalized_unseen_accuracy'))} | {ms(g('generalized_harmonic_mean'))} | {gam:.3g} | {ms(g('generalized_best_harmonic_mean_on_test'))} |")
print("\nMean over both splits and all seeds:\n")
print("| data | descriptions | method | ZSL acc % | GZSL H % (γ chosen on seen) | H % at oracle γ |")
print("|---|---|---|---:|---:|---:|")
for data in sorted({k[0] for k in rows}):
    for desc in sorted(dorder, key=dorder.get):
        for method in sorted(order, key=order.get):
            r = [x for k, v in rows.items() if k[0] == data and k[2] == desc and k[3] == method for x in v]
            if not r: continue
            g = lambda k: [x["metrics"][k] for x in r]
            print(f"| {data} | {desc} | {method} | {ms(g('unseen_accuracy'))} | {ms(g('generalized_harmonic_mean'))} | {ms(g('generalized_best_harmonic_mean_on_test'))} |")
PY
