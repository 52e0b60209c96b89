#!/usr/bin/env bash
# The cuda backend on a GPU machine with no Node.js and no network:
# correctness against js (and openblas) at small sizes plus the Keras parity
# fixtures, then the kernel benchmark. Needs .gpu/ filled by bench/gpu/prepare.sh.
#   bash bench/gpu/run.sh [--skip-12288]
# Logs go to $OUT (when set) and to /tmp/featurewise-gpu/. Exit status:
# 0 all checks passed and goals met, 1 a check failed or a goal was missed,
# 2 the cuda backend did not load, 3 .gpu/ is missing or broken.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GPU="$ROOT/.gpu"
WORK=${TMPDIR:-/tmp}/featurewise-gpu

if [ ! -f "$GPU/node.xz" ] || [ ! -d "$GPU/node_modules/@featurewise/linalg" ]; then
  echo "run.sh: $GPU is incomplete: run bench/gpu/prepare.sh on the build machine and carry .gpu" >&2
  exit 3
fi
rm -rf "$WORK" && mkdir -p "$WORK"
if command -v xz >/dev/null; then
  xz -dc "$GPU/node.xz" >"$WORK/node"
else
  python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
    "$GPU/node.xz" "$WORK/node"
fi
chmod +x "$WORK/node"
if [ -f "$GPU/openblas.tar.xz" ]; then
  mkdir -p "$WORK/lib"
  if command -v xz >/dev/null; then
    xz -dc "$GPU/openblas.tar.xz" | tar -C "$WORK/lib" -xf -
  else
    python3 -c 'import tarfile, sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$GPU/openblas.tar.xz" "$WORK/lib"
  fi
  export LD_LIBRARY_PATH="$WORK/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export FEATUREWISE_OPENBLAS_LIB="$WORK/lib/libopenblas.so.0" FEATUREWISE_LAPACKE_LIB="$WORK/lib/liblapacke.so.3"
fi
ln -s "$GPU/node_modules" "$WORK/node_modules"
cp "$ROOT"/bench/gpu/*.mjs "$WORK/"
NODE="$WORK/node"
if ! "$NODE" --version; then
  echo "run.sh: the carried node binary does not run here" >&2
  exit 3
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "(no nvidia-smi)"

"$NODE" "$WORK/check.mjs" "$ROOT" 2>&1 | tee "$WORK/check.log"
check=${PIPESTATUS[0]}
kernels=2
if [ "$check" -ne 2 ]; then
  "$NODE" "$WORK/kernels.mjs" "$@" 2>&1 | tee "$WORK/kernels.log"
  kernels=${PIPESTATUS[0]}
fi
if [ -n "${OUT:-}" ] && [ -d "${OUT}" ]; then cp "$WORK"/*.log "$OUT/"; fi

echo
echo "== featurewise cuda on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)"
grep -E "^(FAIL|ALL CUDA|[0-9]+ CUDA CHECK|cuda backend unavailable)" "$WORK/check.log" | head -20
if [ -f "$WORK/kernels.log" ]; then
  sed -n '/^| operation/,$p' "$WORK/kernels.log"
fi
if [ "$check" -eq 2 ] || [ "$kernels" -eq 2 ]; then exit 2; fi
if [ "$check" -ne 0 ] || [ "$kernels" -ne 0 ]; then exit 1; fi
exit 0
