/**
 * Helpers for this package's tests and benchmarks: which backends load on
 * this machine, seeded random matrices, 32×32×3 images and a Keras fit
 * through core on a given backend. Not part of the public API (excluded
 * from the build).
 */
import {
  referenceAccumulateBatch,
  coupleFlags,
  createMoments,
  finalizeStatistics,
  JsLinearAlgebra,
  type FinalizeOptions,
  type FitFlags,
  type KerasStatistics,
  type LinearAlgebra,
} from "@featurewise/core";
import { NO_LIBRARY_OVERRIDES } from "./library-paths.js";
import { CudaLinearAlgebra } from "./cuda/cuda-linalg.js";
import { OpenBlasLinearAlgebra } from "./openblas/openblas-linalg.js";
import { TfjsLinearAlgebra } from "./tfjs/tfjs-linalg.js";
import { randomNormal, seededRandom } from "../../../test/helpers/random.js";

// The repository's one copy of each (test/helpers), shared with core's and the root tests.
export { randomNormal, seededRandom } from "../../../test/helpers/random.js";
export { relativeError } from "../../../test/helpers/fixtures.js";

/** A backend under test, or why it is skipped here. */
export interface BackendUnderTest {
  readonly name: string;
  readonly la: LinearAlgebra | null;
  readonly skipReason: string;
}

/** Loads each native backend once; unavailable ones come back with la = null and the reason. */
export function nativeBackends(openblasThreads?: number): BackendUnderTest[] {
  const tryLoad = (name: string, load: () => LinearAlgebra): BackendUnderTest => {
    try {
      return { name, la: load(), skipReason: "" };
    } catch (err) {
      return { name, la: null, skipReason: `${name} skipped: ${(err as Error).message}` };
    }
  };
  const blasOpts = openblasThreads === undefined ? {} : { threads: openblasThreads };
  return [
    tryLoad("openblas", () => OpenBlasLinearAlgebra.load(NO_LIBRARY_OVERRIDES, blasOpts)),
    tryLoad("cuda", () => CudaLinearAlgebra.load(NO_LIBRARY_OVERRIDES)),
    tryLoad("tfjs", () => TfjsLinearAlgebra.load()),
  ];
}

/** The reference every backend is compared with. */
export const reference: LinearAlgebra = new JsLinearAlgebra();

/** A symmetric positive definite n×n matrix BᵀB/n + 0.1·I, B (n+3)×n Gaussian (full, both triangles). */
export async function randomSpd(n: number, rand: () => number): Promise<Float64Array> {
  const b = randomNormal(rand, (n + 3) * n);
  const a = new Float64Array(n * n);
  await reference.syrk(b, n + 3, n, a, 1 / n, 0);
  for (let i = 0; i < n; i++) {
    a[i * n + i]! += 0.1;
    for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
  }
  return a;
}

/**
 * `count` flattened 32×32×3 uint8-valued images (channels_last), row-major
 * count×3072: a tinted gradient, a bright disc and pixel noise, like the
 * dataset package's synthetic images, so the covariance has a natural-image
 * spectrum (a few large eigenvalues, a long tail).
 */
export function syntheticImages(count: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  const h = 32;
  const w = 32;
  const c = 3;
  const out = new Float64Array(count * h * w * c);
  for (let i = 0; i < count; i++) {
    const cx = rand() * w;
    const cy = rand() * h;
    const radius = 2 + rand() * 13;
    const tint = [0.5 + rand(), 0.5 + rand(), 0.5 + rand()];
    const angle = rand() * Math.PI * 2;
    const base = i * h * w * c;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const grad = ((x * Math.cos(angle) + y * Math.sin(angle)) / w + 1) * 60;
        const blob = Math.hypot(x - cx, y - cy) < radius ? 80 : 0;
        for (let ch = 0; ch < c; ch++) {
          const v = (grad + blob) * tint[ch]! + rand() * 40;
          out[base + (y * w + x) * c + ch] = Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
  }
  return out;
}

/** The lower triangle (i >= j) of an n×n row-major matrix, as a flat list. */
export function lowerTriangle(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array((n * (n + 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[p++] = a[i * n + j]!;
  return out;
}

/** A fit's inputs: images row-major n×dim raw pixel values, and Keras' options. */
export interface FitInput {
  readonly x: Float64Array;
  readonly dim: number;
  readonly requested: FitFlags;
  readonly options: Omit<FinalizeOptions, "flags">;
  /** Rows per referenceAccumulateBatch call. @defaultValue 37 (uneven, to exercise the merges) */
  readonly batchRows?: number;
}

/** Accumulates `input.x` batch by batch on `la`, then finalizes on `la`. */
export async function fitThroughCore(
  input: FitInput,
  la: LinearAlgebra,
): Promise<{ stats: KerasStatistics; options: FinalizeOptions }> {
  const { x, dim } = input;
  const n = x.length / dim;
  const rowsPerBatch = input.batchRows ?? 37;
  const { effective } = coupleFlags(input.requested);
  const moments = createMoments(effective.zcaWhitening ? "full" : "diagonal", dim);
  for (let start = 0; start < n; start += rowsPerBatch) {
    const rows = Math.min(rowsPerBatch, n - start);
    await referenceAccumulateBatch(moments, x.slice(start * dim, (start + rows) * dim), rows, la);
  }
  const options: FinalizeOptions = { ...input.options, flags: effective };
  return { stats: await finalizeStatistics(moments, options, la), options };
}
