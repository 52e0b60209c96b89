#!/bin/bash
# A million images (issue 13): `fit --std` of 8x8 PNGs (bench/million/generate.mjs, folders of
# 1,000, every file distinct) at each N given, embedded and on the cluster (2 worker processes,
# fresh for each N), and one table: wall, µs per image, peak RSS of the CLI and of each worker
# (VmHWM), Redis memory (the most `used_memory` seen while the fit ran, sampled every 0.5 s, which
# counts other users of the same Redis too; and what the fit's own keys hold once it has ended:
# keys and bytes by MEMORY USAGE under the run's queue prefix).
# usage (repo root, after a build): bench/million/million.sh [N...]   (default: 100000 1000000)
#   DATA=/tmp/fw-million (where the PNGs are written, ~4 GB of inodes at 1M; kept between runs)
#   REDIS_URL=redis://127.0.0.1:6379
set -u
D=${DATA:-/tmp/fw-million}
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(100000 1000000)
BIN=packages/cli/bin/featurewise.js
# Not exported: with REDIS_URL set, `fit` runs on the cluster.
REDIS=${REDIS_URL:-redis://127.0.0.1:6379}
unset REDIS_URL
R() { redis-cli -u "$REDIS" "$@"; }
mem() { R info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r'; }
# Bytes and keys under a prefix (MEMORY USAGE of each key).
prefix_bytes() {
  R --scan --pattern "$1:*" | awk '{print "MEMORY USAGE \"" $0 "\" SAMPLES 0"}' | R | awk '{s += $1; n++} END {printf "%d %d\n", n, s}'
}
rows=()
for N in "${SIZES[@]}"; do
  [ -d "$D/n$N" ] || node bench/million/generate.mjs "$D/n$N" "$N" >&2
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$D/out-embedded-$N"
  /usr/bin/time -f "%e %M" -o "$D/time.txt" $BIN fit "$D/n$N" --std --out "$D/out-embedded-$N" --json > "$D/embedded-$N.json"
  read -r wall rss < "$D/time.txt"
  n=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$D/embedded-$N.json')).n)")
  rows+=("| embedded | $N | $n | $wall | $(echo "scale=1; 1000000 * $wall / $n" | bc) | $((rss / 1024)) | | | | $load |")

  export FEATUREWISE_QUEUE_PREFIX=fwmillion-$N-$$
  $BIN worker --redis "$REDIS" --name m1 2> "$D/w1.log" & W1=$!
  $BIN worker --redis "$REDIS" --name m2 2> "$D/w2.log" & W2=$!
  sleep 5
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$D/out-cluster-$N"
  before=$(mem); peak=$before
  /usr/bin/time -f "%e %M" -o "$D/time.txt" $BIN fit "$D/n$N" --std --out "$D/out-cluster-$N" --redis "$REDIS" --json > "$D/cluster-$N.json" & FIT=$!
  while kill -0 $FIT 2> /dev/null; do
    m=$(mem); [ "$m" -gt "$peak" ] && peak=$m
    sleep 0.5
  done
  wait $FIT; rc=$?
  read -r wall rss < "$D/time.txt"
  w1=$(awk '/VmHWM/ {print int($2 / 1024)}' /proc/$W1/status)
  w2=$(awk '/VmHWM/ {print int($2 / 1024)}' /proc/$W2/status)
  sleep 1
  read -r keys bytes <<< "$(prefix_bytes "$FEATUREWISE_QUEUE_PREFIX")"
  kill $W1 $W2; wait $W1 $W2 2> /dev/null
  n=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$D/cluster-$N.json')).n)" 2> /dev/null || echo "rc=$rc")
  rows+=("| cluster, 2 workers | $N | $n | $wall | $(echo "scale=1; 1000000 * $wall / $N" | bc) | $((rss / 1024)) | $w1, $w2 | $(((peak - before) / 1048576)) | $keys keys, $((bytes / 1024)) KiB | $load |")
  cmp -s "$D/out-embedded-$N/std.npy" "$D/out-cluster-$N/std.npy" || echo "warning: embedded and cluster std.npy differ at $N" >&2
  R --scan --pattern "$FEATUREWISE_QUEUE_PREFIX:*" | xargs -r -n 500 redis-cli -u "$REDIS" del > /dev/null
done
echo
echo "million bench — $(nproc) cores, $(date -u +%FT%TZ), node $(node --version)"
echo "| run | N | images | wall (s) | µs/image | CLI peak RSS (MiB) | workers' peak RSS (MiB) | Redis used_memory rise, peak (MiB) | the fit's keys after it ended | load before |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
