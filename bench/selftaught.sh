#!/usr/bin/env bash
# Self-taught learning and clustering benchmarks (issue 7); prints markdown tables of mean ± std over seeds.
# Usage: bench/selftaught.sh [SEEDS]      e.g. bench/selftaught.sh "0 1 2"      (THREADS=1 by default)
#  (a) UFLDL protocol: sparse autoencoder 784-200 on MNIST digits 5-9 without labels, softmax on digits 0-4 (half/half).
#  (b) Fashion-MNIST (unlabelled) -> MNIST digits with K = 1, 5, 10, 50 labels per class.
#      Two autoencoders: the UFLDL sparse one (beta 3, rho 0.1, lambda 3e-3) and a plain one (beta 0, lambda 1e-4).
#  (c) Clustering with the `selftaught cluster` defaults (plain autoencoder, k-means on its codes, then DEC) on four
#      pairs: Fashion-MNIST -> MNIST, MNIST -> MNIST (in-domain), MNIST -> optdigits (resized to 28), Fashion -> Fashion;
#      and the sparse autoencoder (the old default) on Fashion-MNIST -> MNIST.
#  PARTS="a b c" by default; e.g. PARTS=c runs only the clustering.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-"0 1 2"} THREADS=${THREADS:-1} PARTS=${PARTS:-"a b c"}
# T=path/to/transfer.dll runs a copy of the tool (so that the source can be rebuilt meanwhile); default: build it here.
if [[ -z ${T:-} ]]; then
  dotnet build src/TransferSharp.Cli -c Release -nologo -v q >/dev/null
  T=src/TransferSharp.Cli/bin/Release/net10.0/transfer.dll
fi
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
# Every run's metrics.json is kept (no checkpoints) so the tables can be traced: RAW=folder (default bench/selftaught/raw).
raw=${RAW:-bench/selftaught/raw}
start=$(date +%s)
PLAIN="--sparsity 0 --weight-decay 0.0001"
run() { dotnet $T "$@" --threads "$THREADS" --tsne 0 >/dev/null; }
for s in $SEEDS; do
  if [[ $PARTS == *a* ]]; then
    run selftaught learn --source mnist:5-9 --target mnist:0-4 --seed "$s" --runs "$out/a/$s"
  fi
  if [[ $PARTS == *b* ]]; then
    run selftaught learn --source fashion-mnist --target mnist --shots 1,5,10,50 --seed "$s" --runs "$out/b-sparse/$s"
    run selftaught learn --source fashion-mnist --target mnist --shots 1,5,10,50 $PLAIN --seed "$s" --runs "$out/b-plain/$s"
  fi
  if [[ $PARTS == *c* ]]; then
    # The command's defaults (no autoencoder or k-means option), one pair after another.
    run selftaught cluster --source fashion-mnist --target mnist --seed "$s" --runs "$out/c-fashion-mnist/$s"
    run selftaught cluster --source mnist --target mnist --seed "$s" --runs "$out/c-mnist-mnist/$s"
    run selftaught cluster --source mnist --target optdigits --resize 28 --seed "$s" --runs "$out/c-mnist-optdigits/$s"
    run selftaught cluster --source fashion-mnist --target fashion-mnist --seed "$s" --runs "$out/c-fashion-fashion/$s"
    run selftaught cluster --source fashion-mnist --target mnist --sparsity 3 --weight-decay 0.003 --refine none --seed "$s" --runs "$out/c-sparse/$s"
  fi
done
for p in $PARTS; do rm -rf "$raw"/"$p"*; done
for f in "$out"/*/*/*/metrics.json; do
  rel=${f#"$out"/}; mkdir -p "$raw/$(dirname "$(dirname "$rel")")"
  # the k-means assignments (10,000 numbers per row) are left out for size
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("assignments", None); json.dump(d, open(sys.argv[2], "w"), indent=2)' "$f" "$raw/$(dirname "$(dirname "$rel")")/metrics.json"
done
python3 - "$out" "$(( $(date +%s) - start ))" "$THREADS" <<'PY'
import json, glob, statistics as st, sys, os, platform
out, secs, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def runs(d): return [json.load(open(f)) for f in sorted(glob.glob(f"{out}/{d}/*/*/metrics.json"))]
def ms(xs): xs=[100*x for x in xs]; return f"{st.mean(xs):.2f} ± {st.stdev(xs) if len(xs)>1 else 0:.2f}"
cpu = next((l.split(":")[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"{os.cpu_count()} x {cpu}, {threads} thread(s) per run, total {secs} s (machine shared with other jobs)\n")
a = runs("a")
acc = lambda rs, i, f: [r["results"][i]["test_accuracy"][f] for r in rs]
if a:
    print(f"### (a) UFLDL protocol: MNIST 5-9 unlabelled -> softmax on 0-4 ({len(a)} seeds; test accuracy %)\n")
    print("| raw pixels (784) | PCA-50 (fitted on 5-9) | sparse autoencoder (200) |\n|---:|---:|---:|")
    print(f"| {ms(acc(a,0,'raw'))} | {ms(acc(a,0,'pca-50'))} | {ms(acc(a,0,'autoencoder'))} |")
    print(f"\nTraining/test examples: {a[0]['split']['train_pool']} / {a[0]['split']['test']}; source {a[0]['split']['source']} unlabelled digits.\n")
for name in ["sparse", "plain"]:
    b = runs(f"b-{name}")
    if not b: continue
    print(f"### (b) Fashion-MNIST unlabelled -> MNIST, K labels per class, {name} autoencoder ({len(b)} seeds; test accuracy % on {b[0]['split']['test']} held-out digits)\n")
    print("| K | raw pixels (784) | PCA-50 (fitted on Fashion) | autoencoder (200) |\n|---:|---:|---:|---:|")
    for i, row in enumerate(b[0]["results"]):
        print(f"| {row['shots']} | {ms(acc(b,i,'raw'))} | {ms(acc(b,i,'pca-50'))} | {ms(acc(b,i,'autoencoder'))} |")
    print()
pairs = [("fashion-mnist", "Fashion-MNIST -> MNIST, defaults"), ("mnist-mnist", "MNIST -> MNIST (in-domain), defaults"),
         ("mnist-optdigits", "MNIST -> optdigits resized to 28, defaults"), ("fashion-fashion", "Fashion-MNIST -> Fashion-MNIST (in-domain), defaults"),
         ("sparse", "Fashion-MNIST -> MNIST, sparse autoencoder (the old default), no DEC")]
for name, title in pairs:
    c = runs(f"c-{name}")
    if not c: continue
    print(f"### (c) Clustering {c[0]['counts']['target']} target images (k = {c[0]['clusters']}): {title} ({len(c)} seeds: {', '.join(str(r['seed']) for r in c)})\n")
    print("| features | accuracy % | NMI | ARI |\n|---|---:|---:|---:|")
    for i, res in enumerate(c[0]["results"]):
        sc = [r["results"][i]["score"] for r in c]
        f = lambda k: [s[k] for s in sc]
        n = lambda xs: f"{st.mean(xs):.3f} ± {st.stdev(xs) if len(xs)>1 else 0:.3f}"
        print(f"| {res['features']} ({res['dimension']}) | {ms(f('accuracy'))} | {n(f('nmi'))} | {n(f('ari'))} |")
    print()
PY
