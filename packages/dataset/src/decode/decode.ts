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
 * - Skip reasons come from the file's bytes (image-format.ts, failure-reason.ts), never from
 *   libvips' text, which its shared error buffer can mix up between threads; libvips' error is
 *   kept as the `cause`.
 *
 * Known gaps: transparent GIF pixels come back from libnsgif as (0, 0, 0, 0) where Pillow keeps
 * the palette colour of the transparent index (opaque GIFs match); BMP, ICO, PPM and other formats
 * Pillow reads but sharp does not are refused by name ("BMP is not supported").
 */
import {
  COLOR_MODES,
  ErrorCodes,
  FeaturewiseError,
  INTERPOLATIONS,
} from "@featurewise/core/decode";
import type { Metadata, OutputInfo } from "sharp";
import { loadSharp } from "./load-sharp.js";
import {
  cmykToRGB,
  convertForColorMode,
  modeChannels,
  type SourceChannels,
} from "./pil-convert.js";
import { pilResize } from "./pil-resize.js";
import { failureReason } from "./failure-reason.js";
import {
  formatById,
  type ImageFormat,
  sniffImageFormat,
  SUPPORTED_FORMAT_IDS,
} from "./image-format.js";
import { readJpegFrame } from "./jpeg-frame.js";
import { decodeSimplePng, type RawPixels } from "./png-fast-path.js";
import { inflatePngData, promisedDataBytes, readPngLayout } from "./png-layout.js";
import { DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeOptions } from "./types.js";

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

/** "3,104": byte counts in messages. */
function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * A PNG's pixels from the fast path, or null when it must take libvips;
 * refuses first, from the header alone, images over the pixel limit, and
 * image data that inflates far past what the header promises (a bomb is
 * stopped at that limit, never inflated whole).
 */
function decodePng(bytes: Uint8Array, limit: number): RawPixels | null {
  const layout = readPngLayout(bytes);
  if (layout === null) return null;
  const { width, height } = layout;
  if (width * height > limit) throw bombError(width, height, limit);
  const inflated = inflatePngData(layout);
  if ("tooLarge" in inflated) {
    throw decodeError(
      `PNG image data inflates past ${count(inflated.limit)} bytes, but its ${width}x${height} header ` +
        `promises ${count(promisedDataBytes(layout))} (decompression bomb guard)`,
    );
  }
  return "data" in inflated ? decodeSimplePng(layout, inflated.data) : null;
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
  const format = sniffImageFormat(bytes);
  if (format === null) throw decodeError("not an image (unrecognised format)");
  if (format.unsupported !== undefined) {
    throw decodeError(`${format.name} is not supported (${format.unsupported})`);
  }
  if (format.id === "png") {
    const simple = decodePng(bytes, limit);
    if (simple !== null) {
      return toKerasArray(simple.data, simple.width, simple.height, simple.channels, options);
    }
  }
  if (format.id === "jpeg") {
    // The common photo (8-bit YCbCr/RGB): its size from the frame header, no metadata() call.
    const frame = readJpegFrame(bytes);
    if (frame !== null && frame.precision === 8 && frame.components === 3 && frame.width > 0) {
      if (frame.width * frame.height > limit) throw bombError(frame.width, frame.height, limit);
      return decodeWithSharp(bytes, format, "colour", limit, options);
    }
  }

  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    meta = await sharp(bytes, SHARP_INPUT).metadata();
  } catch (err) {
    throw decodeError(failureReason(bytes, format), err);
  }
  if (!SUPPORTED_FORMAT_IDS.has(meta.format)) {
    const named = formatById(meta.format);
    throw decodeError(
      named?.unsupported === undefined
        ? `unsupported image format '${meta.format}'`
        : `${named.name} is not supported (${named.unsupported})`,
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
  const space = meta.space === "cmyk" ? "cmyk" : meta.space === "b-w" ? "grey" : "colour";
  return decodeWithSharp(bytes, format, space, limit, options);
}

const SHARP_INPUT = {
  failOn: "error",
  limitInputPixels: false,
  ignoreIcc: true,
  autoOrient: false,
} as const;

/**
 * libvips' raw 8-bit pixels of a file whose header was checked, turned into Keras' array:
 * CMYK is read as its raw samples and converted as Pillow does; grey (+alpha) keeps its one
 * band when the colour mode is grayscale.
 */
async function decodeWithSharp(
  bytes: Uint8Array,
  format: ImageFormat,
  space: "cmyk" | "grey" | "colour",
  limit: number,
  options: DecodeOptions,
): Promise<DecodedImage> {
  const sharp = await loadSharp();
  const cmyk = space === "cmyk";
  let pipeline = sharp(bytes, { ...SHARP_INPUT, limitInputPixels: limit });
  if (cmyk) {
    pipeline = pipeline.pipelineColourspace("cmyk").toColourspace("cmyk");
  } else if (space === "grey" && options.colorMode === "grayscale") {
    // Grey (+alpha) sources: keep the single grey band (LA->L drops alpha, as Pillow's la2l).
    pipeline = pipeline.toColourspace("b-w");
  }
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw decodeError(failureReason(bytes, format), err);
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
