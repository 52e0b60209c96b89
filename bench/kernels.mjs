// Kernel benchmark of every compute backend that loads here: SYRK and GEMM
// GFLOP/s at the fit's batch shape, eigh seconds at the ZCA size.
// usage: npx turbo run build && node bench/kernels.mjs [--all] [--backends openblas,js]
//          [--batch 256] [--dim 3072] [--reps 3] [--threads N]
//   --all      also run the js eigh at --dim (minutes at 3072; default: js eigh at 768)
//   --threads  OpenBLAS threads (default: OPENBLAS_NUM_THREADS, else one per core)
import os from "node:os";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import { BACKEND_NAMES, selectBackend } from "@featurewise/linalg";

const { values: args } = parseArgs({
  options: {
    all: { type: "boolean", default: false },
    backends: { type: "string", default: BACKEND_NAMES.filter((b) => b !== "auto").join(",") },
    batch: { type: "string", default: "256" },
    dim: { type: "string", default: "3072" },
    reps: { type: "string", default: "3" },
    threads: { type: "string" },
  },
});
const B = Number(args.batch);
const D = Number(args.dim);
const REPS = Number(args.reps);
const JS_EIGH_DIM = 768;
const threads = args.threads === undefined ? undefined : Number(args.threads);

/** Seeded uniform values in [-0.5, 0.5). */
function random(count, seed) {
  let s = seed >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  return out;
}

/** Best and median seconds of `reps` runs of `fn` after one warm-up. */
async function time(fn, reps) {
  await fn();
  const runs = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    runs.push((performance.now() - t0) / 1000);
  }
  runs.sort((a, b) => a - b);
  return { best: runs[0], median: runs[Math.floor(runs.length / 2)] };
}

/** A D×D SPD matrix XᵀX/(D+16) + 0.1·I (full, both triangles) built with `la`. */
async function spd(la, n) {
  const k = n + 16;
  const a = new Float64Array(n * n);
  await la.syrk(random(k * n, 7), k, n, a, 1 / k, 0);
  for (let i = 0; i < n; i++) {
    a[i * n + i] += 0.1;
    for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  }
  return a;
}

const syrkFlops = B * D * (D + 1);
const gemmFlops = 2 * B * D * D;
const rows = [];
const notes = [];
const batch = random(B * D, 1);
const w = random(D * D, 2);
/** The same batch as 8-bit pixel values, for syrkPixels. */
const pixels = batch.map((v) => Math.floor((v + 0.5) * 256));

for (const name of args.backends.split(",")) {
  let selected;
  try {
    selected = selectBackend(name, threads === undefined ? {} : { openblasThreads: threads });
  } catch (err) {
    notes.push(`${name}: skipped (${err.message})`);
    continue;
  }
  const { la, reason } = selected;
  notes.push(reason);
  const isJs = name === "js" || name === "tfjs";
  const reps = isJs ? 1 : REPS;
  const row = { backend: name };
  const c = new Float64Array(D * D);
  if (name === "openblas") {
    // Interleaved, so that all three see the same machine load.
    const best = await interleaved(
      {
        async: () => la.syrk(batch, B, D, c, 1, 1),
        sync: syncOpenBlasSyrk(reason, c),
        pixels: () => la.syrkPixels(pixels, B, D, c),
      },
      reps + 2,
    );
    row.syrk = syrkFlops / best.async / 1e9;
    row.syrkMs = best.async * 1000;
    row.syrkSync = syrkFlops / best.sync / 1e9;
    row.syrkPixels = syrkFlops / best.pixels / 1e9;
  } else {
    const syrk = await time(() => la.syrk(batch, B, D, c, 1, 1), reps);
    row.syrk = syrkFlops / syrk.best / 1e9;
    row.syrkMs = syrk.best * 1000;
  }
  if (name === "cuda") {
    const syrkPixels = await time(() => la.syrkPixels(pixels, B, D, c), reps);
    row.syrkPixels = syrkFlops / syrkPixels.best / 1e9;
  }
  const gemm = await time(() => la.gemm(batch, w, B, D, D), reps);
  row.gemm = gemmFlops / gemm.best / 1e9;
  const eighDim = name === "js" && !args.all ? JS_EIGH_DIM : D;
  const a = await spd(la, eighDim);
  const eigh = await time(() => la.eigh(a, eighDim), isJs || eighDim >= 2048 ? 1 : REPS);
  row.eighDim = eighDim;
  row.eigh = eigh.best;
  rows.push(row);
  selected.dispose();
}

/** Best seconds of each function, run in turn `rounds` times after one warm-up round. */
async function interleaved(fns, rounds) {
  const best = Object.fromEntries(Object.keys(fns).map((k) => [k, Infinity]));
  for (let r = 0; r <= rounds; r++) {
    for (const [k, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      await fn();
      if (r > 0) best[k] = Math.min(best[k], (performance.now() - t0) / 1000);
    }
  }
  return best;
}

/**
 * The backend's cblas_dsyrk called synchronously on the main thread (the
 * backend calls it through koffi's worker threads): what the async call costs.
 */
function syncOpenBlasSyrk(reason, c) {
  const path = /loaded from (\S+)/.exec(reason)?.[1];
  const koffi = createRequire(import.meta.resolve("@featurewise/linalg"))("koffi");
  const dsyrk = koffi
    .load(path)
    .func(
      "void cblas_dsyrk(int o, int u, int t, int n, int k, double al, const double *a, int lda, double be, double *c, int ldc)",
    );
  return () => dsyrk(101, 122, 112, D, B, 1, batch, D, 1, c, D);
}

const f = (v, d = 1) => (v === undefined ? "" : v.toFixed(d));
const load = os
  .loadavg()
  .map((x) => x.toFixed(1))
  .join(" ");
console.log(
  `\nkernels — B=${B}, D=${D} — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), load ${load}, ` +
    `OPENBLAS_NUM_THREADS=${process.env.OPENBLAS_NUM_THREADS ?? "unset"}, node ${process.version}`,
);
console.log(
  "| backend | SYRK GFLOP/s (ms) | syrkPixels (exact float32) GFLOP/s | SYRK sync call GFLOP/s | GEMM GFLOP/s | eigh n | eigh s |",
);
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${r.backend} | ${f(r.syrk)} (${f(r.syrkMs, 0)}) | ${f(r.syrkPixels)} | ${f(r.syrkSync)} | ${f(r.gemm)} | ${r.eighDim} | ${f(r.eigh, 2)} |`,
  );
}
console.log(
  `SYRK flops = B·D·(D+1), GEMM = 2·B·D·D (a ${B}×${D} batch times W); best of ${REPS} after a warm-up (js, tfjs: 1).`,
);
for (const n of notes) console.log(`- ${n}`);
