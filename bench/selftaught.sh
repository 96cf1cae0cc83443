#!/usr/bin/env bash
# Self-taught learning and clustering benchmarks (issue 7); prints markdown tables of mean ± std over seeds.
# Usage: bench/selftaught.sh [SEEDS]      e.g. bench/selftaught.sh "0 1 2"      (THREADS=1 by default)
#  (a) UFLDL protocol: sparse autoencoder 784-200 on MNIST digits 5-9 without labels, softmax on digits 0-4 (half/half).
#  (b) Fashion-MNIST (unlabelled) -> MNIST digits with K = 1, 5, 10, 50 labels per class; k-means clustering of MNIST.
#      Two autoencoders: the UFLDL sparse one (beta 3, rho 0.1, lambda 3e-3) and a plain one (beta 0, lambda 1e-4).
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-"0 1 2"} THREADS=${THREADS:-1}
dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
T=src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
# Every run's metrics.json is kept (no checkpoints) so the tables can be traced: RAW=folder (default bench/selftaught/raw).
raw=${RAW:-bench/selftaught/raw}
start=$(date +%s)
PLAIN="--sparsity 0 --weight-decay 0.0001"
for s in $SEEDS; do
  dotnet $T selftaught learn --source mnist:5-9 --target mnist:0-4 --seed "$s" --threads "$THREADS" --runs "$out/a/$s" >/dev/null
  dotnet $T selftaught learn --source fashion-mnist --target mnist --shots 1,5,10,50 --seed "$s" --threads "$THREADS" --runs "$out/b-sparse/$s" >/dev/null
  dotnet $T selftaught learn --source fashion-mnist --target mnist --shots 1,5,10,50 $PLAIN --seed "$s" --threads "$THREADS" --runs "$out/b-plain/$s" >/dev/null
  dotnet $T selftaught cluster --source fashion-mnist --target mnist --restarts 10 --seed "$s" --threads "$THREADS" --runs "$out/c-sparse/$s" >/dev/null
  dotnet $T selftaught cluster --source fashion-mnist --target mnist --restarts 10 $PLAIN --seed "$s" --threads "$THREADS" --runs "$out/c-plain/$s" >/dev/null
done
rm -rf "$raw"
for f in "$out"/*/*/*/metrics.json; do
  rel=${f#"$out"/}; mkdir -p "$raw/$(dirname "$(dirname "$rel")")"; cp "$f" "$raw/$(dirname "$(dirname "$rel")")/metrics.json"
done
python3 - "$out" "$(( $(date +%s) - start ))" "$THREADS" <<'PY'
import json, glob, statistics as st, sys, os, platform
out, secs, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def runs(d): return [json.load(open(f)) for f in sorted(glob.glob(f"{out}/{d}/*/*/metrics.json"))]
def ms(xs): xs=[100*x for x in xs]; return f"{st.mean(xs):.2f} ± {st.stdev(xs) if len(xs)>1 else 0:.2f}"
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"{os.cpu_count()} x {cpu}, {threads} thread(s) per run, total {secs} s (machine shared with other jobs)\n")
a = runs("a")
print(f"### (a) UFLDL protocol: MNIST 5-9 unlabelled -> softmax on 0-4 ({len(a)} seeds; test accuracy %)\n")
print("| raw pixels (784) | PCA-50 (fitted on 5-9) | sparse autoencoder (200) |\n|---:|---:|---:|")
acc = lambda rs, i, f: [r["results"][i]["test_accuracy"][f] for r in rs]
print(f"| {ms(acc(a,0,'raw'))} | {ms(acc(a,0,'pca-50'))} | {ms(acc(a,0,'autoencoder'))} |")
print(f"\nTraining/test examples: {a[0]['split']['train_pool']} / {a[0]['split']['test']}; source {a[0]['split']['source']} unlabelled digits.\n")
for name in ["sparse", "plain"]:
    b = runs(f"b-{name}")
    print(f"### (b) Fashion-MNIST unlabelled -> MNIST, K labels per class, {name} autoencoder ({len(b)} seeds; test accuracy % on {b[0]['split']['test']} held-out digits)\n")
    print("| K | raw pixels (784) | PCA-50 (fitted on Fashion) | autoencoder (200) |\n|---:|---:|---:|---:|")
    for i, row in enumerate(b[0]["results"]):
        print(f"| {row['shots']} | {ms(acc(b,i,'raw'))} | {ms(acc(b,i,'pca-50'))} | {ms(acc(b,i,'autoencoder'))} |")
    print()
for name in ["sparse", "plain"]:
    c = runs(f"c-{name}")
    print(f"### (b) Clustering all {c[0]['counts']['target']} MNIST digits (k = 10), Fashion-MNIST as the source, {name} autoencoder ({len(c)} seeds)\n")
    print("| features | accuracy % | NMI | ARI |\n|---|---:|---:|---:|")
    for i, res in enumerate(c[0]["results"]):
        sc = [r["results"][i]["score"] for r in c]
        f = lambda k: [s[k] for s in sc]
        n = lambda xs: f"{st.mean(xs):.3f} ± {st.stdev(xs) if len(xs)>1 else 0:.3f}"
        print(f"| {res['features']} ({res['dimension']}) | {ms(f('accuracy'))} | {n(f('nmi'))} | {n(f('ari'))} |")
    print()
PY
