import type { FitFlags } from "./flags.js";
import { channelIndex, flatSize, type DataFormat, type ImageShape } from "./image-layout.js";
import type { LinearAlgebra } from "./linalg/linear-algebra.js";
import { STD_EPSILON } from "./profiles.js";

/** Everything `standardize` needs: the fitted statistics and how they were fitted. */
export interface StandardizeParams {
  readonly flags: FitFlags;
  readonly rescale: number | null;
  readonly dataFormat: DataFormat;
  readonly imageShape: ImageShape;
  /** Per-channel mean (C). */
  readonly channelMean: Float64Array;
  /** Per-channel std (C). */
  readonly channelStd: Float64Array;
  /** D×D whitening matrix, required when flags.zcaWhitening. */
  readonly whitening: Float64Array | null;
}

/**
 * Keras' `standardize` on a batch, in Keras' order: ×rescale → −mean →
 * /(std + 1e-6) → flatten·W. Each step runs only if its flag is on.
 * @param batch - rows×D raw pixel values in the data format's order; modified in place
 * @returns the standardized rows×D batch (the same array unless ZCA ran)
 */
export async function standardizeBatch(
  batch: Float64Array,
  rows: number,
  params: StandardizeParams,
  la: LinearAlgebra,
): Promise<Float64Array> {
  const dim = flatSize(params.imageShape);
  const channelOf = channelIndex(params.imageShape, params.dataFormat);
  const { flags, rescale, channelMean, channelStd } = params;
  const x = batch.subarray(0, rows * dim);
  // One pass, each value through the same float64 steps in Keras' order (so
  // the same bits as one pass per step), without a modulo per value.
  const scale = rescale ?? 1;
  const mean = flags.featurewiseCenter
    ? Float64Array.from(channelOf, (c) => channelMean[c]!)
    : new Float64Array(dim);
  const divisor = flags.featurewiseStdNormalization
    ? Float64Array.from(channelOf, (c) => channelStd[c]! + STD_EPSILON)
    : new Float64Array(dim).fill(1);
  if (rescale !== null || flags.featurewiseCenter || flags.featurewiseStdNormalization) {
    for (let row = 0; row < x.length; row += dim) {
      for (let j = 0; j < dim; j++) x[row + j] = (x[row + j]! * scale - mean[j]!) / divisor[j]!;
    }
  }
  if (flags.zcaWhitening) {
    if (params.whitening === null)
      throw new Error("zca_whitening is on but there is no whitening matrix");
    return la.gemm(x, params.whitening, rows, dim, dim);
  }
  return x;
}
