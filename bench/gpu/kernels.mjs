// CUDA kernel benchmark through koffi, data resident on the GPU:
// cublasDsyrk/cublasSsyrk at D=3072, k=4096 (goal ≥ 40 TFLOP/s for Dsyrk) and
// D=12288, k=1024; cusolverDnDsyevd at 3072² and 12288² (goal ≤ 2.5 s); then
// the same operations through the LinearAlgebra interface (host arrays in and
// out, so transfers included). Run by bench/gpu/run.sh; exit 2 if cuda does not load.
// usage: node kernels.mjs [--skip-12288]
import { selectBackend, NO_LIBRARY_OVERRIDES } from "@featurewise/linalg";

// The raw bindings are internal to @featurewise/linalg: reached by file, not through "exports".
const { loadCuda } = await import(
  new URL("./node_modules/@featurewise/linalg/dist/cuda/cuda-bindings.js", import.meta.url)
);

const skipBig = process.argv.includes("--skip-12288");
let cuda;
try {
  cuda = loadCuda(NO_LIBRARY_OVERRIDES);
} catch (err) {
  console.log(`cuda unavailable: ${err.message}`);
  process.exit(2);
}
const fn = cuda.fn;
const UPPER = 1;
const OP_N = 0;
const EIG_VECTOR = 1;
const H2D = 1;
const D2H = 2;
const D2D = 3;

function ok(status, what) {
  if (Number(status) !== 0) throw new Error(`${what} returned ${status}`);
}
function cudaOk(status, what) {
  if (Number(status) !== 0) throw new Error(`${what}: ${cuda.errorName(Number(status))}`);
}
function malloc(bytes) {
  const out = [null];
  cudaOk(fn.cudaMalloc(out, bytes), `cudaMalloc(${bytes})`);
  return BigInt(out[0]);
}
function random(count, seed) {
  const out = new Float64Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  return out;
}
const sync = () => cudaOk(fn.cudaDeviceSynchronize(), "cudaDeviceSynchronize");

const handle = [null];
ok(fn.cublasCreate(handle), "cublasCreate_v2");
const blas = BigInt(handle[0]);
ok(fn.cusolverDnCreate(handle), "cusolverDnCreate");
const solver = BigInt(handle[0]);
const rows = [];

/** Seconds per call of `launch` (mean of `reps` after 2 warm-ups), device-synchronised. */
function timeKernel(launch, reps) {
  launch();
  launch();
  sync();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) launch();
  sync();
  return (performance.now() - t0) / 1000 / reps;
}

function benchSyrk(d, k) {
  const dA = malloc(k * d * 8);
  const dC = malloc(d * d * 8);
  cudaOk(fn.cudaMemcpy(dA, random(k * d, 1), k * d * 8, H2D), "upload A");
  const flops = k * d * (d + 1);
  const tD = timeKernel(
    () =>
      ok(
        fn.cublasDsyrk(
          blas,
          UPPER,
          OP_N,
          d,
          k,
          Float64Array.of(1),
          dA,
          d,
          Float64Array.of(0),
          dC,
          d,
        ),
        "Dsyrk",
      ),
    20,
  );
  rows.push([
    `cublasDsyrk_v2 D=${d} k=${k}`,
    `${(tD * 1e3).toFixed(2)} ms`,
    `${(flops / tD / 1e12).toFixed(1)} TFLOP/s`,
  ]);
  const tS = timeKernel(
    () =>
      ok(
        fn.cublasSsyrk(
          blas,
          UPPER,
          OP_N,
          d,
          k,
          Float32Array.of(1),
          dA,
          d,
          Float32Array.of(0),
          dC,
          d,
        ),
        "Ssyrk",
      ),
    20,
  );
  rows.push([
    `cublasSsyrk_v2 D=${d} k=${k}`,
    `${(tS * 1e3).toFixed(2)} ms`,
    `${(flops / tS / 1e12).toFixed(1)} TFLOP/s`,
  ]);
  fn.cudaFree(dA);
  fn.cudaFree(dC);
  return flops / tD / 1e12;
}

/** Seconds of cusolverDnDsyevd on a d×d Gram matrix XᵀX/k (X random, k = d + 16). */
function benchSyevd(d, reps) {
  const k = d + 16;
  const dX = malloc(k * d * 8);
  const dG = malloc(d * d * 8);
  const dA = malloc(d * d * 8);
  const dW = malloc(d * 8);
  const dInfo = malloc(4);
  cudaOk(fn.cudaMemcpy(dX, random(k * d, 2), k * d * 8, H2D), "upload X");
  ok(
    fn.cublasDsyrk(
      blas,
      UPPER,
      OP_N,
      d,
      k,
      Float64Array.of(1 / k),
      dX,
      d,
      Float64Array.of(0),
      dG,
      d,
    ),
    "Dsyrk",
  );
  fn.cudaFree(dX);
  const lwork = [0];
  ok(
    fn.cusolverDnDsyevdBufferSize(solver, EIG_VECTOR, UPPER, d, dG, d, dW, lwork),
    "syevd_bufferSize",
  );
  const dWork = malloc(lwork[0] * 8);
  let best = Infinity;
  for (let r = 0; r < reps + 1; r++) {
    cudaOk(fn.cudaMemcpy(dA, dG, d * d * 8, D2D), "copy G");
    sync();
    const t0 = performance.now();
    ok(
      fn.cusolverDnDsyevd(solver, EIG_VECTOR, UPPER, d, dA, d, dW, dWork, lwork[0], dInfo),
      "Dsyevd",
    );
    sync();
    const t = (performance.now() - t0) / 1000;
    if (r > 0 || reps === 0) best = Math.min(best, t); // the first run warms up
  }
  const info = new Int32Array(1);
  cudaOk(fn.cudaMemcpy(info, dInfo, 4, D2H), "download devInfo");
  if (info[0] !== 0) throw new Error(`cusolverDnDsyevd devInfo = ${info[0]}`);
  const g = new Float64Array(d * d);
  cudaOk(fn.cudaMemcpy(g, dG, d * d * 8, D2H), "download G");
  for (const p of [dG, dA, dW, dInfo, dWork]) fn.cudaFree(p);
  rows.push([
    `cusolverDnDsyevd ${d}²`,
    `${best.toFixed(3)} s`,
    `lwork ${((lwork[0] * 8) / 2 ** 20).toFixed(0)} MiB`,
  ]);
  return { seconds: best, gram: g };
}

const syrkRate = benchSyrk(3072, 4096);
benchSyrk(12288, 1024);
const small = benchSyevd(3072, 2);
const big = skipBig ? null : benchSyevd(12288, 1);

// Through the LinearAlgebra interface: host typed arrays in and out.
const { la, dispose } = selectBackend("cuda");
{
  const d = 3072;
  const b = 256;
  const batch = random(b * d, 3);
  const c = new Float64Array(d * d);
  await la.syrk(batch, b, d, c, 1, 1);
  const t0 = performance.now();
  for (let r = 0; r < 5; r++) await la.syrk(batch, b, d, c, 1, 1);
  const t = (performance.now() - t0) / 5 / 1000;
  rows.push([
    `la.syrk B=${b} D=${d} (C round trip)`,
    `${(t * 1e3).toFixed(1)} ms`,
    `${((b * d * (d + 1)) / t / 1e9).toFixed(0)} GFLOP/s`,
  ]);
}
for (const [d, m] of [[3072, small], ...(big ? [[12288, big]] : [])]) {
  const t0 = performance.now();
  await la.eigh(m.gram, d);
  rows.push([
    `la.eigh ${d}² (transfers, reordering)`,
    `${((performance.now() - t0) / 1000).toFixed(3)} s`,
    "",
  ]);
}
dispose();

console.log(`\ncuda kernels — ${cuda.paths.cudart}, runtime ${cuda.runtimeVersion}`);
console.log("| operation | time | rate |");
console.log("|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
const goals = [
  [`cublasDsyrk D=3072 k=4096 ≥ 40 TFLOP/s`, syrkRate >= 40, `${syrkRate.toFixed(1)} TFLOP/s`],
  ...(big
    ? [[`cusolverDnDsyevd 12288² ≤ 2.5 s`, big.seconds <= 2.5, `${big.seconds.toFixed(2)} s`]]
    : []),
];
for (const [goal, met, value] of goals) console.log(`${met ? "MET " : "MISS"} ${goal}: ${value}`);
process.exit(goals.every((g) => g[1]) ? 0 : 1);
