#!/usr/bin/env bash
# Source selection (issue 20): trains a zoo of 10 small source models on class subsets of mnist, fashion-mnist, mnist-m
# and optdigits (LeNet, CNN, MLP; cached in ZOO), adds the ImageNet ResNet-18, scores every source on few-shot targets
# with LogME, H-score, shrinkage H-score, LEEP and NCE, fine-tunes every source on every target (all feature stages
# copied and fine-tuned, the same budget for all) and prints markdown: per-target tables, the weighted Kendall τ of each
# estimator against the fine-tuned accuracies, and the time of each estimator against fine-tuning.
# Usage: bench/rank.sh [TARGETS] [SEEDS] [EPOCHS] [SHOTS]
#        e.g. bench/rank.sh mnist:0-4,fashion-mnist:5-9,mnist-m:5-9,optdigits:0-4 0,1,2,3,4 20 10   (about 10 min, 1 thread)
# Env: ZOO (/tmp/transfersharp-rank-zoo) keeps the trained sources and results.jsonl (one line per target and source).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=${1:-mnist:0-4,fashion-mnist:5-9,mnist-m:5-9,optdigits:0-4} SEEDS=${2:-0,1,2,3,4} EPOCHS=${3:-20} SHOTS=${4:-10}
ZOO=${ZOO:-/tmp/transfersharp-rank-zoo}
dotnet build bench/rank/Rank.csproj -c Release -nologo -v q >/dev/null
echo "\`bench/rank.sh $TARGETS $SEEDS $EPOCHS $SHOTS\`; $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo
start=$(date +%s)
dotnet bench/rank/bin/Release/net10.0/Rank.dll "$ZOO" "$TARGETS" "$SEEDS" "$EPOCHS" "$SHOTS"
echo
echo "$(( $(date +%s) - start )) s wall time; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
