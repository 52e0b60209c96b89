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
  const { flags, rescale } = params;
  const x = batch.subarray(0, rows * dim);
  if (rescale !== null || flags.featurewiseCenter || flags.featurewiseStdNormalization) {
    const { scale, mean, divisor } = standardizeSteps(params);
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

/**
 * The per-position constants of Keras' steps before ZCA: ×scale → −mean[j] →
 * ÷divisor[j], with a step that is off made exact (×1, −0, ÷1 change no
 * value, -0 included), so one pass gives the same bits as a pass per step.
 * @returns D-long mean and divisor, in the params' data format
 */
function standardizeSteps(params: StandardizeParams): {
  scale: number;
  mean: Float64Array;
  divisor: Float64Array;
} {
  const { flags, rescale, channelMean, channelStd } = params;
  const channelOf = channelIndex(params.imageShape, params.dataFormat);
  return {
    scale: rescale ?? 1,
    mean: flags.featurewiseCenter
      ? Float64Array.from(channelOf, (c) => channelMean[c]!)
      : new Float64Array(channelOf.length),
    divisor: flags.featurewiseStdNormalization
      ? Float64Array.from(channelOf, (c) => channelStd[c]! + STD_EPSILON)
      : new Float64Array(channelOf.length).fill(1),
  };
}

/**
 * {@link standardizeBatch} without ZCA, from uint8 pixels straight to
 * float32 rows: each value goes through the same float64 steps and is
 * rounded once, so the rows equal `Float32Array.from(standardizeBatch(…))`
 * bit for bit (the predict pipeline's path; a test compares it with
 * `transform`). For parameters with ZCA use standardizeBatch.
 */
export class PixelStandardizer {
  private readonly scale: number;
  private readonly mean: Float64Array;
  private readonly divisor: Float64Array;
  /** For channels_first rows: the HWC index each row position reads. */
  private readonly source: Uint32Array | null;

  /** @param params - without ZCA; null writes the pixel values as they are */
  constructor(shape: ImageShape, format: DataFormat, params: StandardizeParams | null) {
    if (params?.flags.zcaWhitening === true)
      throw new Error("PixelStandardizer does not apply ZCA: use standardizeBatch");
    const dim = flatSize(shape);
    const steps =
      params === null
        ? { scale: 1, mean: new Float64Array(dim), divisor: new Float64Array(dim).fill(1) }
        : standardizeSteps({ ...params, imageShape: shape, dataFormat: format });
    this.scale = steps.scale;
    this.mean = steps.mean;
    this.divisor = steps.divisor;
    if (format === "channels_last") {
      this.source = null;
    } else {
      const pixels = shape.height * shape.width;
      const c = shape.channels;
      this.source = Uint32Array.from(
        { length: dim },
        (_, j) => (j % pixels) * c + Math.floor(j / pixels),
      );
    }
  }

  /**
   * Writes one image's standardized row into `out` at `offset`.
   * @param hwc - H×W×C uint8 pixels (as decoded)
   */
  writeRow(hwc: Uint8Array, out: Float32Array, offset: number): void {
    const { scale, mean, divisor, source } = this;
    const dim = mean.length;
    if (source === null) {
      for (let j = 0; j < dim; j++) out[offset + j] = (hwc[j]! * scale - mean[j]!) / divisor[j]!;
    } else {
      for (let j = 0; j < dim; j++)
        out[offset + j] = (hwc[source[j]!]! * scale - mean[j]!) / divisor[j]!;
    }
  }
}
