/** Checking a model's input against the images before any image is read. */
import { ErrorCodes, FeaturewiseError, type ImageShape } from "@featurewise/core";

/** How a batch of images is laid out in the model's input tensor. */
export type InputLayout = "NHWC" | "NCHW";

/** Accepted values of `inputLayout` / `--input-layout`. */
export const INPUT_LAYOUTS = ["auto", "NHWC", "NCHW"] as const;

/** One input or output of a model: its name and shape, `null` where the size is free (batch). */
export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly (number | null)[];
}

/** The layout a model's input takes, and how it was decided (for the record). */
export interface ResolvedInput {
  readonly layout: InputLayout;
  /** e.g. "detected from input [null,32,32,3]" or "requested". */
  readonly reason: string;
  /** The shape of one batch of `batch` images in this layout. */
  dims(batch: number): [number, number, number, number];
}

/**
 * Decides NHWC or NCHW for `input` and checks that images of `image`'s shape fit it.
 * A free dimension (null) fits any size. When both layouts fit (free spatial
 * dimensions), a last dimension of 1, 3 or 4 reads as NHWC, a second one as
 * NCHW, else NHWC (Keras' default) is assumed and said so.
 * @param requested - `auto` (the default) or a layout to use
 * @throws FeaturewiseError MODEL_MISMATCH naming the model's input shape and
 *   the images' (H, W, C) when they do not fit
 */
export function resolveInputLayout(
  input: TensorInfo,
  image: ImageShape,
  requested: (typeof INPUT_LAYOUTS)[number] = "auto",
): ResolvedInput {
  const shown = `model input "${input.name}" ${formatShape(input.shape)}`;
  const images = `the images are ${image.height}x${image.width}x${image.channels} (H, W, C)`;
  if (input.shape.length !== 4) {
    throw mismatch(
      `${shown} has rank ${input.shape.length}; ${images}: expected a rank-4 input (N,H,W,C) or (N,C,H,W)`,
    );
  }
  const fits = (layout: InputLayout) =>
    imageDims(image, layout).every(
      (d, i) => input.shape[i + 1] === null || input.shape[i + 1] === d,
    );
  if (requested !== "auto") {
    if (!fits(requested)) {
      throw mismatch(
        `${shown} does not take ${requested} ${formatShape([null, ...imageDims(image, requested)])}; ${images}`,
      );
    }
    return resolved(requested, "requested");
  }
  const nhwc = fits("NHWC");
  const nchw = fits("NCHW");
  if (!nhwc && !nchw) {
    throw mismatch(
      `${shown} takes neither NHWC ${formatShape([null, ...imageDims(image, "NHWC")])} nor NCHW ${formatShape([null, ...imageDims(image, "NCHW")])}; ${images}`,
    );
  }
  if (nhwc !== nchw) {
    return resolved(nhwc ? "NHWC" : "NCHW", `detected from ${formatShape(input.shape)}`);
  }
  const isChannels = (d: number | null | undefined) => d === 1 || d === 3 || d === 4;
  if (isChannels(input.shape[3]) && !isChannels(input.shape[1])) {
    return resolved("NHWC", `detected from ${formatShape(input.shape)}`);
  }
  if (isChannels(input.shape[1]) && !isChannels(input.shape[3])) {
    return resolved("NCHW", `detected from ${formatShape(input.shape)}`);
  }
  return resolved(
    "NHWC",
    `${formatShape(input.shape)} fits both layouts: assumed NHWC (set inputLayout to change)`,
  );

  function resolved(layout: InputLayout, reason: string): ResolvedInput {
    const [a, b, c] = imageDims(image, layout);
    return { layout, reason, dims: (batch) => [batch, a, b, c] };
  }
}

/** (H, W, C) or (C, H, W). */
function imageDims(image: ImageShape, layout: InputLayout): [number, number, number] {
  const { height: h, width: w, channels: c } = image;
  return layout === "NHWC" ? [h, w, c] : [c, h, w];
}

/** `[?,32,32,3]`: a free size shows as `?`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(",")}]`;
}

function mismatch(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.MODEL_MISMATCH, message);
}
