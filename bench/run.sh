#!/bin/sh
# Runs every benchmark against the release build in $1 and prints figures.
# Ratios compare with a baseline measured in the same run on this machine.
set -eu
dir=${1:-build/release}
echo "== messages: acknowledged messages/s between two nodes on loopback"
"$dir/bench_node" msgs "${FEIGE_BENCH_MSGS:-20000}"
echo "== presence: 10,000 simulated hosts entered and listed by one node"
"$dir/bench_node" peers "${FEIGE_BENCH_PEERS:-10000}"
