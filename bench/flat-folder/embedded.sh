#!/bin/bash
# fit --std of the same PNGs in one flat folder and in 100 subfolders (bench/flat-folder/generate.mjs),
# embedded, alternating layouts: wall and user+sys CPU seconds (/usr/bin/time), peak RSS, load before.
# usage (repo root, after npm run build): DATA=/tmp/fw-flat-bench bench/flat-folder/embedded.sh ROUNDS "new [old]"
# "old" runs OLD_BIN (e.g. a clean checkout of main's packages/cli/bin/featurewise.js) for comparison.
D=${DATA:-/tmp/fw-flat-bench}
for r in $(seq 1 ${1:-2}); do
for impl in ${2:-new}; do
  if [ $impl = new ]; then BIN=packages/cli/bin/featurewise.js; else BIN=${OLD_BIN:?set OLD_BIN to another checkout of packages/cli/bin/featurewise.js}; fi
  for layout in flat sub; do
    rm -rf $D/out-$impl-$layout
    l0=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S %M" -o $D/time.txt $BIN fit $D/$layout --std --out $D/out-$impl-$layout --json > $D/res-$impl-$layout.json 2>$D/err.txt
    rc=$?
    read e u s m < $D/time.txt
    echo "round=$r impl=$impl layout=$layout rc=$rc wall=$e cpu=$(echo "$u + $s" | bc) maxrss_kb=$m load_before=$l0"
  done
done
done
