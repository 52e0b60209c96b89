// Correctness of the cuda backend against the js reference (and openblas when
// it loads): SYRK, GEMM, eigh and whitening matrices at small sizes, then the
// Keras parity fixtures. Run by bench/gpu/run.sh; exit 0 = all passed,
// 1 = a check failed, 2 = the cuda backend did not load.
// usage: node check.mjs [repo-root]
import { selectBackend } from "@featurewise/linalg";
import { checkParityFixtures } from "./parity.mjs";

const repoRoot = process.argv[2] ?? process.cwd();
let cuda;
try {
  cuda = selectBackend("cuda");
} catch (err) {
  console.log(`cuda backend unavailable: ${err.message}`);
  process.exit(2);
}
console.log(cuda.reason);
const la = cuda.la;
const js = selectBackend("js").la;
const references = [["js", js]];
try {
  references.push(["openblas", selectBackend("openblas").la]);
} catch (err) {
  console.log(`(openblas not compared: ${err.message})`);
}

let failures = 0;
function report(label, error, limit) {
  const ok = error <= limit;
  if (!ok) failures++;
  console.log(`${ok ? "PASS" : "FAIL"} ${label}: ${error.toExponential(2)} (limit ${limit})`);
}

function rand(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}
const random = (count, seed) => Float64Array.from({ length: count }, rand(seed));

function relErr(a, b) {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return Number.isNaN(err) || a.length !== b.length ? Infinity : err / (scale + 1e-300);
}

async function spd(n, seed) {
  const a = new Float64Array(n * n);
  await js.syrk(random((n + 3) * n, seed), n + 3, n, a, 1 / n, 0);
  for (let i = 0; i < n; i++) {
    a[i * n + i] += 0.1;
    for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  }
  return a;
}

/** W = Σ uᵢuᵢᵀ/√(λᵢ+ε) from `l`'s eigh, built with `l`'s SYRK (as core's finalize does). */
async function whitening(l, a, n) {
  const { values, vectors } = await l.eigh(a, n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(1 / Math.sqrt(Math.max(values[i], 0) + 1e-6));
    for (let j = 0; j < n; j++) v[i * n + j] = vectors[i * n + j] * s;
  }
  const w = new Float64Array(n * n);
  await l.syrk(v, n, n, w, 1, 0);
  return w;
}

for (const [k, n, alpha, beta] of [
  [1, 1, 1, 0],
  [7, 4, 2.5, 1],
  [300, 13, 1, 1],
  [64, 37, 0.25, -3],
  [256, 1000, 1, 1],
]) {
  const a = random(k * n, k + n);
  const c0 = random(n * n, 3);
  const expected = c0.slice();
  await js.syrk(a, k, n, expected, alpha, beta);
  const got = c0.slice();
  await la.syrk(a, k, n, got, alpha, beta);
  let upperChanged = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if (got[i * n + j] !== c0[i * n + j]) upperChanged++;
  report(`syrk k=${k} n=${n} alpha=${alpha} beta=${beta} vs js`, relErr(got, expected), 1e-12);
  report(`syrk k=${k} n=${n}: upper-triangle entries changed`, upperChanged, 0);
}
for (const [k, n] of [
  [256, 500],
  [256, 3072],
  [37, 11],
]) {
  // 8-bit values, mostly 255 (the largest sums a batch can reach): float32 must be exact.
  const r = rand(k * n);
  const a = Float64Array.from({ length: k * n }, () =>
    r() < 0.3 ? 255 : Math.floor((r() + 0.5) * 256),
  );
  const c0 = Float64Array.from({ length: n * n }, (_, i) => i % 977);
  const expected = c0.slice();
  await js.syrk(a, k, n, expected, 1, 1);
  const got = c0.slice();
  await la.syrkPixels(a, k, n, got);
  let differ = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) if (got[i * n + j] !== expected[i * n + j]) differ++;
  report(`syrkPixels k=${k} n=${n} (float32) vs js float64: entries not bit-identical`, differ, 0);
}
for (const [m, k, n] of [
  [1, 1, 1],
  [17, 5, 9],
  [64, 128, 33],
  [256, 1000, 1000],
]) {
  const a = random(m * k, m);
  const b = random(k * n, n);
  report(
    `gemm m=${m} k=${k} n=${n} vs js`,
    relErr(await la.gemm(a, b, m, k, n), await js.gemm(a, b, m, k, n)),
    1e-12,
  );
}
for (const n of [1, 2, 17, 120, 301, 600]) {
  const a = await spd(n, n);
  const got = await la.eigh(a, n);
  for (const [name, ref] of references) {
    const r = await ref.eigh(a, n);
    report(`eigh n=${n} eigenvalues vs ${name}`, relErr(got.values, r.values), 1e-10);
    report(
      `eigh n=${n} whitening matrix vs ${name}`,
      relErr(await whitening(la, a, n), await whitening(ref, a, n)),
      1e-8,
    );
  }
}
// The size of a 32x32x3 ZCA fit, against openblas only (js would take minutes).
for (const [name, ref] of references.filter(([n]) => n === "openblas")) {
  const n = 3072;
  const a = await spd(n, 11);
  const t0 = performance.now();
  const got = await la.eigh(a, n);
  const t1 = performance.now();
  const r = await ref.eigh(a, n);
  const t2 = performance.now();
  console.log(
    `eigh n=${n}: cuda ${((t1 - t0) / 1000).toFixed(2)} s, ${name} ${((t2 - t1) / 1000).toFixed(2)} s`,
  );
  report(`eigh n=${n} eigenvalues vs ${name}`, relErr(got.values, r.values), 1e-10);
  report(
    `eigh n=${n} whitening matrix vs ${name}`,
    relErr(await whitening(la, a, n), await whitening(ref, a, n)),
    1e-8,
  );
}
failures += await checkParityFixtures(repoRoot, la, js, report);
cuda.dispose();
console.log(failures === 0 ? "ALL CUDA CHECKS PASSED" : `${failures} CUDA CHECK(S) FAILED`);
process.exit(failures === 0 ? 0 : 1);
