/**
 * Image decoding with the semantics of Keras `load_img(path, color_mode, target_size,
 * interpolation)` + `img_to_array` under Pillow 9.4: sharp (libvips) only turns the file into raw
 * 8-bit pixels; every Pillow convention (mode conversion, resize) is applied afterwards in
 * TypeScript by the pure functions of pil-convert.ts, pil-resize.ts and friends.
 *
 * What sharp is told, and why:
 * - `failOn: "error"`: truncated PNG, JPEG, GIF and TIFF files fail instead of returning partial
 *   pixels, as Pillow ("image file is truncated") does; libjpeg warnings such as "extraneous bytes
 *   before marker", which Pillow also tolerates, do not fail. (`"truncated"` is not enough for
 *   TIFF.)
 * - `ignoreIcc: true`: Pillow never applies embedded ICC profiles; sharp otherwise would.
 * - `autoOrient: false`: Pillow does not rotate by the EXIF Orientation tag, and neither does Keras.
 * - CMYK JPEG/TIFF: sharp would convert through an ICC profile; instead the raw CMYK samples are
 *   read (pipeline and output colourspace CMYK) and converted with Pillow's naive `cmyk2rgb`, as
 *   Pillow's `convert("RGB")` does. Adobe-inverted JPEGs are un-inverted by both libraries alike.
 *
 * Known gaps: transparent GIF pixels come back from libnsgif as (0, 0, 0, 0) where Pillow keeps
 * the palette colour of the transparent index (opaque GIFs match); BMP, ICO, PPM and other formats
 * Pillow reads but sharp does not fail as "not an image".
 */
import { COLOR_MODES, ErrorCodes, FeaturewiseError, INTERPOLATIONS } from "@featurewise/core";
import type { Metadata, OutputInfo } from "sharp";
import { loadSharp } from "./load-sharp.js";
import {
  cmykToRGB,
  convertForColorMode,
  modeChannels,
  type SourceChannels,
} from "./pil-convert.js";
import { pilResize } from "./pil-resize.js";
import { decodeSimplePng } from "./png-fast-path.js";
import { DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeOptions } from "./types.js";

/** Formats both sharp and Pillow 9.4 read. sharp also reads SVG, HEIF/AVIF, which Keras cannot. */
const SUPPORTED_FORMATS = new Set(["jpeg", "png", "webp", "gif", "tiff"]);

function decodeError(message: string, cause?: unknown): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.DECODE_FAILED,
    message,
    cause === undefined ? undefined : { cause },
  );
}

function bombError(width: number, height: number, limit: number): FeaturewiseError {
  return decodeError(
    `image of ${width}x${height} pixels exceeds the limit of ${limit} pixels (decompression bomb guard)`,
  );
}

/** Turns a sharp/libvips failure into a DECODE_FAILED error with a plain message. */
function sharpError(err: unknown, dims?: { width: number; height: number; limit: number }) {
  const text = err instanceof Error ? err.message : String(err);
  if (/unsupported image format/i.test(text)) {
    return decodeError("not an image (unrecognised format)", err);
  }
  if (/exceeds pixel limit/i.test(text) && dims !== undefined) {
    return bombError(dims.width, dims.height, dims.limit);
  }
  const firstLine = text.split("\n", 1)[0]?.trim() ?? "";
  return decodeError(`corrupt or truncated image: ${firstLine || "unknown libvips error"}`, err);
}

function validateOptions(options: DecodeOptions): void {
  const bad = (message: string) => new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, message);
  if (!COLOR_MODES.includes(options.colorMode)) {
    throw bad(
      `colorMode must be one of ${COLOR_MODES.join(", ")}, got ${String(options.colorMode)}`,
    );
  }
  if (!INTERPOLATIONS.includes(options.interpolation)) {
    throw bad(
      `interpolation must be one of ${INTERPOLATIONS.join(", ")}, got ${String(options.interpolation)}`,
    );
  }
  const ts = options.targetSize;
  if (ts !== null && !(ts.length === 2 && ts.every((v) => Number.isInteger(v) && v > 0))) {
    throw bad(`targetSize must be null or [height, width] of positive integers, got ${String(ts)}`);
  }
  const max = options.maxPixels;
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    throw bad(`maxPixels must be a positive integer, got ${String(max)}`);
  }
}

/**
 * Decodes a PNG, JPEG, WebP, GIF (first frame) or TIFF (first page) file exactly as Keras
 * `img_to_array(load_img(..., color_mode, target_size, interpolation))` does with Pillow 9.4.
 *
 * @param bytes - the whole file
 * @returns uint8 pixels in HWC order: height rows of width pixels of `channels` samples
 *   (grayscale 1, rgb 3, rgba 4); height x width is `targetSize` when given, else the native size
 * @throws FeaturewiseError DECODE_FAILED when the file is empty, not an image, corrupt or
 *   truncated, 16-bit, or larger than `maxPixels`; INVALID_ARGUMENT for bad options
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: DecodeOptions,
): Promise<DecodedImage> {
  validateOptions(options);
  if (bytes.length === 0) throw decodeError("empty file (0 bytes)");
  const limit = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const simple = decodeSimplePng(bytes, limit);
  if (simple !== null) {
    return toKerasArray(simple.data, simple.width, simple.height, simple.channels, options);
  }
  const input = {
    failOn: "error",
    limitInputPixels: false,
    ignoreIcc: true,
    autoOrient: false,
  } as const;

  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(bytes, input).metadata();
  } catch (err) {
    throw sharpError(err);
  }
  if (!SUPPORTED_FORMATS.has(meta.format)) {
    throw decodeError(
      `unsupported image format '${meta.format}' (Pillow, hence Keras, cannot read it)`,
    );
  }
  if (meta.depth === "ushort" || meta.depth === "short") {
    throw decodeError("16-bit images are not supported");
  }
  if (meta.depth !== "uchar") {
    throw decodeError(
      `unsupported sample format '${meta.depth}' (only 8-bit images are supported)`,
    );
  }
  const { width, height } = meta;
  if (width * height > limit) throw bombError(width, height, limit);

  const cmyk = meta.space === "cmyk";
  let pipeline = sharp(bytes, { ...input, limitInputPixels: limit });
  if (cmyk) {
    pipeline = pipeline.pipelineColourspace("cmyk").toColourspace("cmyk");
  } else if (meta.space === "b-w" && options.colorMode === "grayscale") {
    // Grey (+alpha) sources: keep the single grey band (LA->L drops alpha, as Pillow's la2l).
    pipeline = pipeline.toColourspace("b-w");
  }
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw sharpError(err, { width, height, limit });
  }
  const { info } = raw;
  const pixels = info.width * info.height;
  const data = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  if (data.length !== pixels * info.channels) {
    throw decodeError(
      `unexpected decoder output (${data.length} bytes for ${info.width}x${info.height})`,
    );
  }

  let src: Uint8Array = data;
  let srcChannels: SourceChannels;
  if (cmyk) {
    if (info.channels !== 4)
      throw decodeError(`unsupported CMYK layout (${info.channels} channels)`);
    src = cmykToRGB(data, pixels);
    srcChannels = 3;
  } else if (info.channels >= 1 && info.channels <= 4) {
    srcChannels = info.channels as SourceChannels;
  } else {
    throw decodeError(`unsupported channel layout (${info.channels} channels)`);
  }

  return toKerasArray(src, info.width, info.height, srcChannels, options);
}

/** Keras' colour-mode conversion, then its resize, on raw decoded pixels. */
function toKerasArray(
  src: Uint8Array,
  width: number,
  height: number,
  srcChannels: SourceChannels,
  options: DecodeOptions,
): DecodedImage {
  const pixels = width * height;
  const channels = modeChannels(options.colorMode);
  const converted =
    srcChannels === channels
      ? src
      : convertForColorMode(src, pixels, srcChannels, options.colorMode);
  const ts = options.targetSize;
  if (ts === null || (ts[0] === height && ts[1] === width)) {
    return { data: converted, height, width, channels };
  }
  const [dstH, dstW] = ts;
  const resized = pilResize(converted, width, height, channels, dstW, dstH, options.interpolation);
  return { data: resized, height: dstH, width: dstW, channels };
}
