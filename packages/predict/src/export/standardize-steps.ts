/**
 * The constants an exported model applies, in float32 and in the model's
 * input layout: Keras' standardize (×rescale → −mean → ÷(std + 1e-6) → ·W)
 * as the steps a graph runs, each present only when its flag is on.
 */
import { flatSize, imageDims, STD_EPSILON, type StandardizeParams } from "@featurewise/core";
import type { InputLayout } from "../model-input.js";

/** What the prepended nodes or layers compute, in order; a null step is skipped. */
export interface StandardizeSteps {
  readonly layout: InputLayout;
  /** One image's shape in the layout: (H, W, C) or (C, H, W). */
  readonly dims: readonly [number, number, number];
  /** The rescale factor, or null. */
  readonly rescale: number | null;
  /** Per-channel mean (C), subtracted after the rescale; null without featurewise_center. */
  readonly mean: Float32Array | null;
  /**
   * Per-channel divisor std + 1e-6 (C), added in float64 then rounded once,
   * as predict's float64 standardize divides; null without featurewise_std_normalization.
   */
  readonly divisor: Float32Array | null;
  /**
   * The whitening matrix W (D×D, row-major): a flattened image x becomes x·W,
   * rows and columns in the layout's flatten order (Keras': the artifact's
   * data format, which must be the layout's); null without zca_whitening.
   */
  readonly whitening: Float32Array | null;
}

/**
 * The steps of `params`, which must already be in `layout`'s data format
 * (`paramsInLayout` checks a ZCA artifact's order and converts the rest).
 */
export function standardizeSteps(params: StandardizeParams, layout: InputLayout): StandardizeSteps {
  const format = layout === "NHWC" ? "channels_last" : "channels_first";
  if (params.dataFormat !== format) {
    throw new Error(`standardize params are ${params.dataFormat}, the model takes ${layout}`);
  }
  const { flags } = params;
  let whitening: Float32Array | null = null;
  if (flags.zcaWhitening) {
    if (params.whitening === null)
      throw new Error("zca_whitening is on but there is no whitening matrix");
    whitening = Float32Array.from(params.whitening);
  }
  return {
    layout,
    dims: imageDims(params.imageShape, format),
    rescale: params.rescale,
    mean: flags.featurewiseCenter ? Float32Array.from(params.channelMean) : null,
    divisor: flags.featurewiseStdNormalization
      ? Float32Array.from(params.channelStd, (s) => s + STD_EPSILON)
      : null,
    whitening,
  };
}

/** D, the length of one flattened image. */
export function stepsFlatSize(steps: StandardizeSteps): number {
  const [a, b, c] = steps.dims;
  return flatSize({ height: a, width: b, channels: c });
}

/** The C constants of a per-channel step as the shape that broadcasts over one image: [C] (NHWC) or [C,1,1] (NCHW). */
export function channelConstantShape(steps: StandardizeSteps, channels: number): number[] {
  return steps.layout === "NHWC" ? [channels] : [channels, 1, 1];
}
