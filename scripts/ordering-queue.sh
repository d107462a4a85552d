#!/bin/bash
# One core's worker of an ordering study at the article's scale (docs/results/ordering-mnist/README.md, "The
# command"): trains FIRST (a grid index whose run has its checkpoint in this core's folder) if given, then takes grid
# indices from the shared queue file, one line each, popped under a lock, until the queue is empty. Each index i is
# trained as `--shard i/60` (exactly cell i of the 6 networks × 10 seeds) with the study's command, into
# docs/results/NAME/shard-CORE/, pinned to core CORE at the lowest priority.
#
# Usage, from the repository root, one per core:
#   NORMLAB="dotnet /path/to/normlab.dll" QUEUE=/tmp/queue.txt scripts/ordering-queue.sh CORE [FIRST]
# QUEUE lists the grid indices still to train (network-major: index = 10 × network + seed − 1, networks in the
# order of --networks below). NAME and DATA choose the study: ordering-mnist on mnist (the default) or
# NAME=ordering-fashion-mnist DATA=fashion-mnist.
set -u
core=$1
first=${2:-}
queue=${QUEUE:?QUEUE: the file of grid indices to train}
normlab=${NORMLAB:?NORMLAB: the normlab command, e.g. dotnet src/NormLab.Cli/bin/Release/net10.0/normlab.dll}
name=${NAME:-ordering-mnist}
data=${DATA:-mnist}
run_cell() {
  # shellcheck disable=SC2086 # NORMLAB is a command with its arguments
  taskset -c "$core" nice -n 19 $normlab study examples/OrderingStudy/ordering.normlab \
    --networks ConvBnRelu2Relu,ConvReluBn2Relu,BnReluConv2Relu,ConvBnRelu5Relu,ConvReluBn5Relu,BnReluConv5Relu \
    --name "$name" --baseline ConvBnRelu2Relu --data "$data" --seeds 10 --epochs 10 --schedule cosine \
    --eval-every 235 --threads 1 --shard "$1/60" --out "docs/results/$name/shard-$core"
}
if [ -n "$first" ]; then run_cell "$first" || exit 1; fi
while true; do
  cell=$(flock "$queue.lock" sh -c 'head -n 1 "$1"; sed -i 1d "$1"' sh "$queue")
  [ -z "$cell" ] && break
  run_cell "$cell" || exit 1
done
echo "queue empty: core $core done"
