export { decodeImage } from "./decode.js";
export { readImageSize, type ImageSize } from "./image-size.js";
export { DecodePool, type DecodeInput, type DecodeOutcome } from "./decode-pool.js";
export {
  DEFAULT_MAX_PIXELS,
  type ColorMode,
  type DecodedImage,
  type DecodeOptions,
  type Interpolation,
} from "./types.js";
export {
  cmykToRGB,
  convertForColorMode,
  luma,
  premultiplyAlpha,
  toL,
  toRGB,
  toRGBA,
  unpremultiplyAlpha,
  type SourceChannels,
} from "./pil-convert.js";
export { pilResize } from "./pil-resize.js";
export { resizeNearest } from "./pil-resize-nearest.js";
export { BICUBIC, BILINEAR, resample, type ResampleFilter } from "./pil-resample.js";
export { collectEvery } from "./steady-memory.js";
