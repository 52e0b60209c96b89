#!/bin/bash
# The same on the cluster: 2 worker processes (REDIS_URL or 127.0.0.1:6379) and the CLI;
# after a warm-up fit: wall, the CLI's CPU and the workers' CPU (from /proc), peak RSS of each.
# usage (repo root): DATA=/tmp/fw-flat-bench bench/flat-folder/cluster.sh new|old ROUNDS
D=${DATA:-/tmp/fw-flat-bench}
impl=${1:-new}; rounds=${2:-2}
if [ $impl = new ]; then BIN=packages/cli/bin/featurewise.js; else BIN=${OLD_BIN:?set OLD_BIN to another checkout of packages/cli/bin/featurewise.js}; fi
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export FEATUREWISE_QUEUE_PREFIX=fwflatbench-$impl-$$
$BIN worker --name rb1 2>$D/w1.log & W1=$!
$BIN worker --name rb2 2>$D/w2.log & W2=$!
sleep 4
# warm-up fit (not reported): sandbox threads, module loading, JIT
$BIN fit $D/sub --std --out $D/cout-warm-$impl --json > /dev/null 2>&1
# the node processes under the bin's shebang env are the same pids (env -S execs node)
cpu() { local t=0; for p in $W1 $W2; do read -a f < /proc/$p/stat; t=$((t + f[13] + f[14])); done; echo $t; }
for r in $(seq 1 $rounds); do
  for layout in flat sub; do
    rm -rf $D/cout-$impl-$layout
    c0=$(cpu); l0=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S %M" -o $D/ctime.txt $BIN fit $D/$layout --std --out $D/cout-$impl-$layout --json > $D/cres-$impl-$layout.json 2>$D/cerr.txt
    rc=$?; c1=$(cpu)
    read e u s m < $D/ctime.txt
    wrss=$(for p in $W1 $W2; do grep VmHWM /proc/$p/status | awk '{print $2}'; done | tr '\n' ' ')
    echo "round=$r impl=$impl layout=$layout rc=$rc wall=$e cli_cpu=$(echo "$u + $s" | bc) workers_cpu=$(echo "scale=2; ($c1 - $c0) / $(getconf CLK_TCK)" | bc) cli_rss_kb=$m worker_peak_rss_kb=$wrss load_before=$l0"
  done
done
kill $W1 $W2; wait $W1 $W2 2>/dev/null
redis-cli -u "$REDIS_URL" --scan --pattern "$FEATUREWISE_QUEUE_PREFIX:*" | xargs -r -n 200 redis-cli -u "$REDIS_URL" del > /dev/null
