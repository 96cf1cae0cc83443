#!/usr/bin/env bash
# Zero-shot benchmark: DAP, embedding (max-margin) and ConSE on Fashion-MNIST and MNIST, two unseen splits each,
# several seeds; zero-shot accuracy on the unseen classes and the generalized seen / unseen / H. Prints markdown.
# Usage: bench/zeroshot.sh [SEEDS] [MODEL] [EPOCHS]      e.g. bench/zeroshot.sh "0 1 2" mlp 4
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-"0 1 2"} MODEL=${2:-mlp} EPOCHS=${3:-4} THREADS=${THREADS:-1}
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
start=$(date +%s)
# Variants: the three methods with their defaults, then DAP's nearest-vector rule and the DeViSE sum loss.
declare -A ARGS=([dap]="--method dap" [embedding]="--method embedding" [conse]="--method conse"
                 [dap-nearest]="--method dap --dap-scoring nearest" [embedding-devise]="--method embedding --loss sum")
VARIANTS=${VARIANTS:-"dap embedding conse dap-nearest embedding-devise"}
run() {   # data split-name unseen variant seed
  # shellcheck disable=SC2086
  dotnet src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll zeroshot --data "$1" --unseen "$3" ${ARGS[$4]} \
    --model "$MODEL" --epochs "$EPOCHS" --seed "$5" --threads "$THREADS" --generalized --runs "$out/$1/$2/$4/$5" >/dev/null
}
for s in $SEEDS; do
  for m in $VARIANTS; do
    run fashion-mnist A "Trouser,Pullover,Sandal" $m $s
    run fashion-mnist B "T-shirt/top,Coat,Sneaker" $m $s
    run mnist A "3,7,9" $m $s
    run mnist B "0,4,6" $m $s
  done
done
python3 - "$out" "$MODEL" "$EPOCHS" "$THREADS" "$(( $(date +%s) - start ))" <<'PY'
import json, glob, statistics as st, sys, os, collections
out, model, epochs, threads, seconds = sys.argv[1:]
rows = collections.defaultdict(list)
for f in glob.glob(f"{out}/*/*/*/*/zeroshot-*/metrics.json"):
    data, split, method, seed = f[len(out)+1:].split("/")[:4]
    m = json.load(open(f))
    rows[(data, split, method)].append((m["unseen"], m["metrics"]))
def ms(v): return f"{100*st.mean(v):.1f} ± {100*(st.stdev(v) if len(v) > 1 else 0):.1f}"
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"`transfer zeroshot --model {model} --epochs {epochs} --threads {threads} --generalized`, seeds per cell: "
      f"{len(next(iter(rows.values())))}, {os.cpu_count()} x {cpu}, {seconds} s in all\n")
print("| data | unseen | method | zero-shot unseen acc % | chance % | GZSL seen % | GZSL unseen % | GZSL H % | AUSUC | best H over γ % (test-picked) |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
order = {"dap": 0, "embedding": 1, "conse": 2, "dap-nearest": 3, "embedding-devise": 4}
for (data, split, method) in sorted(rows, key=lambda k: (k[0], k[1], order[k[2]])):
    r = rows[(data, split, method)]
    get = lambda key: [x[1][key] for x in r]
    print(f"| {data} | {', '.join(r[0][0])} | {method} | {ms(get('unseen_accuracy'))} | {100*r[0][1]['chance']:.1f} | "
          f"{ms(get('generalized_seen_accuracy'))} | {ms(get('generalized_unseen_accuracy'))} | {ms(get('generalized_harmonic_mean'))} | "
          f"{st.mean(get('generalized_ausuc')):.3f} | {ms(get('generalized_best_harmonic_mean_on_test'))} |")
print("\nMean over both splits and all seeds:\n")
print("| data | method | zero-shot unseen acc % | GZSL seen % | GZSL unseen % | GZSL H % | AUSUC |")
print("|---|---|---:|---:|---:|---:|---:|")
for data in sorted({k[0] for k in rows}):
    for method in sorted(order, key=order.get):
        if not any(k[0] == data and k[2] == method for k in rows): continue
        r = [x for k, v in rows.items() if k[0] == data and k[2] == method for x in v]
        get = lambda key: [x[1][key] for x in r]
        print(f"| {data} | {method} | {ms(get('unseen_accuracy'))} | {ms(get('generalized_seen_accuracy'))} | "
              f"{ms(get('generalized_unseen_accuracy'))} | {ms(get('generalized_harmonic_mean'))} | {st.mean(get('generalized_ausuc')):.3f} |")
PY
