/** An artifact's statistics with rows in a model's input layout (predict and export-model share it). */
import {
  ErrorCodes,
  FeaturewiseError,
  type DataFormat,
  type StandardizeParams,
} from "@featurewise/core";
import { formatShape, type ResolvedInput, type TensorInfo } from "./model-input.js";

/** The data format whose flatten order is the layout's: NHWC is channels_last. */
export function layoutFormat(input: ResolvedInput): DataFormat {
  return input.layout === "NHWC" ? "channels_last" : "channels_first";
}

/**
 * `params` (of the artifact at `location`) for rows in `input`'s layout.
 * Per-channel statistics apply in either order; a whitening matrix only in
 * the order it was fitted in.
 * @throws FeaturewiseError MODEL_MISMATCH for a ZCA artifact fitted in the other layout
 */
export function paramsInLayout(
  params: StandardizeParams,
  location: string,
  model: TensorInfo,
  input: ResolvedInput,
): StandardizeParams {
  const rowFormat = layoutFormat(input);
  if (params.dataFormat === rowFormat) return params;
  if (params.flags.zcaWhitening) {
    throw new FeaturewiseError(
      ErrorCodes.MODEL_MISMATCH,
      `model input "${model.name}" ${formatShape(model.shape)} takes ${input.layout}; ` +
        `the ZCA artifact ${location} was fitted ${params.dataFormat}, and its whitening matrix applies only in that order`,
    );
  }
  return { ...params, dataFormat: rowFormat };
}
