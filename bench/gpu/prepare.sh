#!/usr/bin/env bash
# Fills .gpu/ (git-ignored) for bench/gpu/run.sh on a GPU machine that has no
# Node.js and no network: an xz-compressed node binary, the built core and
# linalg packages, and koffi with its linux-x64 native module, laid out so
# that a script next to .gpu/node_modules can import @featurewise/linalg.
#   npx turbo run build && bash bench/gpu/prepare.sh
# Then carry ".gpu" and run: bash bench/gpu/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
GPU=.gpu
LIMIT_MIB=60

for p in core linalg; do
  if [ ! -f "packages/$p/dist/index.js" ]; then
    echo "prepare.sh: packages/$p/dist is missing: run npx turbo run build first" >&2
    exit 1
  fi
done
# koffi's "exports" hides package.json: resolve its entry point and walk up to the package folder.
KOFFI=$(node -p 'const p = require("node:path"); let d = p.dirname(require.resolve("koffi", { paths: [p.resolve("packages/linalg")] })); while (p.basename(d) !== "koffi") d = p.dirname(d); d')
NATIVE=$(dirname "$KOFFI")/@koromix/koffi-linux-x64
if [ ! -d "$NATIVE" ]; then
  echo "prepare.sh: $NATIVE is missing (npm install koffi on linux-x64)" >&2
  exit 1
fi

rm -rf "$GPU"
mkdir -p "$GPU/node_modules/@featurewise" "$GPU/node_modules/@koromix"
NODE_BIN=$(readlink -f "$(command -v node)")
echo "compressing $NODE_BIN ($(node --version)) ..."
xz -T2 -6 -c "$NODE_BIN" >"$GPU/node.xz"
node --version >"$GPU/node.version"
for p in core linalg; do
  mkdir -p "$GPU/node_modules/@featurewise/$p"
  cp "packages/$p/package.json" "$GPU/node_modules/@featurewise/$p/"
  # Only the JavaScript: declarations and source maps are not needed to run.
  (cd "packages/$p" && find dist -name '*.js' -exec cp --parents {} "$ROOT/$GPU/node_modules/@featurewise/$p/" \;)
done
cp -r "$KOFFI" "$GPU/node_modules/koffi"
rm -rf "$GPU/node_modules/koffi/doc" "$GPU/node_modules/koffi/vendor"
mkdir -p "$GPU/node_modules/@koromix/koffi-linux-x64"
cp -r "$NATIVE/package.json" "$NATIVE/index.js" "$NATIVE/linux_x64" "$GPU/node_modules/@koromix/koffi-linux-x64/"

# OpenBLAS and LAPACKE with their Fortran runtime, when this machine has them,
# so that run.sh can compare cuda with openblas directly (GPU images rarely
# ship a system libopenblas). Missing here: run.sh compares with js alone.
LIBS=(libopenblas.so.0 liblapacke.so.3 libblas.so.3 liblapack.so.3 libtmglib.so.3 libgfortran.so.5 libquadmath.so.0)
STAGE=$(mktemp -d)
for lib in "${LIBS[@]}"; do
  src=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ { print $NF; exit }')
  if [ -z "$src" ]; then
    echo "($lib not found: openblas will not be carried)"
    rm -rf "$STAGE"
    STAGE=""
    break
  fi
  cp -L "$src" "$STAGE/$lib"
done
if [ -n "$STAGE" ]; then
  echo "compressing OpenBLAS/LAPACKE ..."
  tar -C "$STAGE" -cf - "${LIBS[@]}" | xz -T2 -6 >"$GPU/openblas.tar.xz"
  rm -rf "$STAGE"
fi

# Smoke test with this machine's node: the layout resolves and loads.
SMOKE=$(mktemp -d)
ln -s "$ROOT/$GPU/node_modules" "$SMOKE/node_modules"
cat >"$SMOKE/smoke.mjs" <<'EOF'
import { selectBackend } from "@featurewise/linalg";
import { FEATUREWISE_VERSION } from "@featurewise/core";
const { reason } = selectBackend("auto");
console.log(`smoke: featurewise ${FEATUREWISE_VERSION}; ${reason}`);
EOF
node "$SMOKE/smoke.mjs"
rm -rf "$SMOKE"

BYTES=$(du -sb "$GPU" | cut -f1)
MIB=$(((BYTES + 1048575) / 1048576))
echo ".gpu: ${MIB} MiB (limit ${LIMIT_MIB} MiB)"
du -sh "$GPU"/*.xz "$GPU/node_modules/koffi" "$GPU/node_modules/@koromix" "$GPU/node_modules/@featurewise" | sed 's/^/  /'
if [ "$MIB" -ge "$LIMIT_MIB" ]; then
  echo "prepare.sh: .gpu is ${MIB} MiB, over the ${LIMIT_MIB} MiB limit" >&2
  exit 1
fi
