#!/bin/sh
# Runs every benchmark against the release build in $1 and prints figures.
# Ratios compare with a baseline measured in the same run on this machine.
set -eu
dir=${1:-build/release}
echo "== messages: acknowledged messages/s between two nodes on loopback"
"$dir/bench_node" msgs "${FEIGE_BENCH_MSGS:-20000}"
echo "== presence: 10,000 simulated hosts entered and listed by one node"
"$dir/bench_node" peers "${FEIGE_BENCH_PEERS:-10000}"
echo "== files: one 1 GiB file over loopback, against a plain TCP stream of it"
"$dir/bench_xfer" file "${FEIGE_BENCH_FILE_MIB:-1024}"
echo "== files: a folder of 10,000 files of 4 KiB, against tar through a socket"
"$dir/bench_xfer" folder "${FEIGE_BENCH_FOLDER_FILES:-10000}"
