/** How an image's values are laid out when flattened (Keras `data_format`). */
export type DataFormat = "channels_last" | "channels_first";

/** Height, width and channels of one decoded image. */
export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** D = H·W·C, the length of one flattened image. */
export function flatSize(shape: ImageShape): number {
  return shape.height * shape.width * shape.channels;
}

/** The channel of each flattened position p (length D). */
export function channelIndex(shape: ImageShape, format: DataFormat): Uint32Array {
  const { channels: c } = shape;
  const pixels = shape.height * shape.width;
  const out = new Uint32Array(pixels * c);
  for (let p = 0; p < out.length; p++)
    out[p] = format === "channels_last" ? p % c : Math.floor(p / pixels);
  return out;
}

/** The Keras shape of one image in this format: (H,W,C) or (C,H,W). */
export function imageDims(shape: ImageShape, format: DataFormat): [number, number, number] {
  const { height: h, width: w, channels: c } = shape;
  return format === "channels_last" ? [h, w, c] : [c, h, w];
}

/** Keras' broadcast shape of the per-channel mean and std: (1,1,C) or (C,1,1). */
export function channelBroadcastShape(
  shape: ImageShape,
  format: DataFormat,
): [number, number, number] {
  return format === "channels_last" ? [1, 1, shape.channels] : [shape.channels, 1, 1];
}

/**
 * Writes one HWC uint8 image as float64 values in `format` order into
 * `out` starting at `offset` (D values).
 */
export function writeImageRow(
  hwc: Uint8Array,
  shape: ImageShape,
  format: DataFormat,
  out: Float64Array,
  offset: number,
): void {
  const d = flatSize(shape);
  if (format === "channels_last") {
    for (let i = 0; i < d; i++) out[offset + i] = hwc[i]!;
    return;
  }
  const pixels = shape.height * shape.width;
  const c = shape.channels;
  for (let p = 0; p < pixels; p++) {
    for (let ch = 0; ch < c; ch++) out[offset + ch * pixels + p] = hwc[p * c + ch]!;
  }
}

/**
 * Adds one HWC uint8 image's values and squares, in `format` order, to
 * per-position sums (D values each).
 */
export function addImageSums(
  hwc: Uint8Array,
  shape: ImageShape,
  format: DataFormat,
  sum: Float64Array,
  sumSquares: Float64Array,
): void {
  const d = flatSize(shape);
  if (format === "channels_last") {
    for (let i = 0; i < d; i++) {
      const v = hwc[i]!;
      sum[i]! += v;
      sumSquares[i]! += v * v;
    }
    return;
  }
  const pixels = shape.height * shape.width;
  const c = shape.channels;
  for (let p = 0; p < pixels; p++) {
    for (let ch = 0; ch < c; ch++) {
      const v = hwc[p * c + ch]!;
      sum[ch * pixels + p]! += v;
      sumSquares[ch * pixels + p]! += v * v;
    }
  }
}
