#!/bin/sh
# Runs one libFuzzer target for a set time on a corpus seeded from the test
# vectors. Usage: run.sh FUZZER SEEDER NAME CORPUS_ROOT SECONDS
set -eu
fuzzer=$1 seeder=$2 name=$3 root=$4 secs=$5
seeds="$root/$name/seeds" work="$root/$name/work" art="$root/$name/artifacts"
mkdir -p "$seeds" "$work" "$art"
"$seeder" "$name" "$seeds"
exec "$fuzzer" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix="$art/" "$work" "$seeds"
