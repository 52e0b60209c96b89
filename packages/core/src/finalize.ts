import type { FitFlags } from "./flags.js";
import { channelIndex, flatSize, type DataFormat, type ImageShape } from "./image-layout.js";
import type { LinearAlgebra } from "./linalg/linear-algebra.js";
import type { Moments } from "./moments.js";
import type { Profile } from "./profiles.js";

/** What turns moments into Keras' statistics. */
export interface FinalizeOptions {
  /** Keras version whose ZCA math to use. @defaultValue "keras" */
  readonly profile: Profile;
  /** The effective flags (after {@link coupleFlags}). */
  readonly flags: FitFlags;
  /** Multiplier applied to raw pixel values before any statistic (Keras `rescale`); null = none. */
  readonly rescale: number | null;
  /** Keras `zca_epsilon`. @defaultValue 1e-6 */
  readonly zcaEpsilon: number;
  readonly dataFormat: DataFormat;
  readonly imageShape: ImageShape;
}

/** Keras' fitted attributes, in float64. */
export interface KerasStatistics {
  /** Number of images the statistics were fitted on. */
  readonly n: number;
  /** Per-channel mean of the rescaled values (C). */
  readonly channelMean: Float64Array;
  /** Per-channel population std (ddof 0) of the rescaled values (C). */
  readonly channelStd: Float64Array;
  /** D×D row-major whitening matrix in Keras' flattening order, or null without ZCA. */
  readonly whitening: Float64Array | null;
}

/**
 * Keras' statistics from moments of raw pixel values (docs/DESIGN.md §3.2):
 * m_c = mean of μ over channel c; σ_c² = mean over p in c of (M_pp/n + (μ_p − m_c)²);
 * ZCA from the eigen-decomposition of the per-channel-centred Gram matrix G = M + n·δδᵀ.
 */
export async function finalizeStatistics(
  moments: Moments,
  options: FinalizeOptions,
  la: LinearAlgebra,
): Promise<KerasStatistics> {
  const { imageShape, dataFormat } = options;
  const dim = flatSize(imageShape);
  if (moments.dim !== dim)
    throw new Error(`moments have dim ${moments.dim}, image shape needs ${dim}`);
  if (moments.n === 0) throw new Error("cannot finalize moments of zero images");
  const r = options.rescale ?? 1;
  const n = moments.n;
  const channels = imageShape.channels;
  const perChannel = dim / channels;
  const channelOf = channelIndex(imageShape, dataFormat);

  const mu = moments.mean.map((v) => v * r);
  const channelMean = new Float64Array(channels);
  for (let p = 0; p < dim; p++) channelMean[channelOf[p]!]! += mu[p]!;
  for (let c = 0; c < channels; c++) channelMean[c]! /= perChannel;

  const diagStride = moments.kind === "full" ? dim + 1 : 1;
  const variance = new Float64Array(channels);
  for (let p = 0; p < dim; p++) {
    const c = channelOf[p]!;
    const d = mu[p]! - channelMean[c]!;
    variance[c]! += (moments.comoment[p * diagStride]! * r * r) / n + d * d;
  }
  const channelStd = variance.map((v) => Math.sqrt(v / perChannel));

  let whitening: Float64Array | null = null;
  if (options.flags.zcaWhitening) {
    if (moments.kind !== "full") throw new Error("ZCA needs full moments, got diagonal ones");
    const delta = mu.map((v, p) => v - channelMean[channelOf[p]!]!);
    whitening = await whiteningMatrix(centredGram(moments, r, delta), n, dim, options, la);
  }
  return { n, channelMean, channelStd, whitening };
}

/** G = r²·M + n·δδᵀ, D×D, lower triangle only (all that eigh reads). */
function centredGram(moments: Moments, r: number, delta: Float64Array): Float64Array {
  const { dim, n, comoment } = moments;
  const g = new Float64Array(dim * dim);
  const r2 = r * r;
  for (let i = 0; i < dim; i++) {
    const row = i * dim;
    const di = delta[i]! * n;
    for (let j = 0; j <= i; j++) g[row + j] = comoment[row + j]! * r2 + di * delta[j]!;
  }
  return g;
}

/** Copies the lower triangle of the n×n row-major `a` onto its upper one, in cache-sized tiles. */
function mirrorLower(a: Float64Array, n: number): void {
  const tile = 64;
  for (let i0 = 0; i0 < n; i0 += tile) {
    for (let j0 = 0; j0 <= i0; j0 += tile) {
      const iEnd = Math.min(i0 + tile, n);
      for (let i = i0; i < iEnd; i++) {
        const jEnd = Math.min(j0 + tile, i);
        for (let j = j0; j < jEnd; j++) a[j * n + i] = a[i * n + j]!;
      }
    }
  }
}

/**
 * W = Σ_i w_i u_i u_iᵀ with the profile's weights, computed as V ᵀV where
 * row i of V is sqrt(w_i)·u_i (w_i > 0), so one SYRK builds it.
 */
async function whiteningMatrix(
  gram: Float64Array,
  n: number,
  dim: number,
  options: FinalizeOptions,
  la: LinearAlgebra,
): Promise<Float64Array> {
  const { values, vectors } = await la.eigh(gram, dim);
  const eps = options.zcaEpsilon;
  const k = options.profile === "keras" ? Math.min(n, dim) : dim;
  // The Gram matrix is not read again: its memory takes V (fresh memory costs page faults).
  const v = gram.subarray(0, k * dim);
  for (let i = 0; i < k; i++) {
    const lambda = Math.max(values[i]!, 0);
    const w =
      options.profile === "keras"
        ? Math.sqrt(n) / (Math.sqrt(lambda) + eps)
        : 1 / Math.sqrt(lambda / n + eps);
    const s = Math.sqrt(w);
    for (let j = 0; j < dim; j++) v[i * dim + j] = vectors[i * dim + j]! * s;
  }
  const w = new Float64Array(dim * dim);
  await la.syrk(v, k, dim, w, 1, 0);
  mirrorLower(w, dim);
  return w;
}
