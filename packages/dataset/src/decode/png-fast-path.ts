import { decode as decodePng } from "fast-png";
import type { SourceChannels } from "./pil-convert.js";

/** Raw pixels straight from a PNG file, before any Keras conversion. */
export interface RawPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: SourceChannels;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IEND_TRAILER = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
/** PNG colour type → samples per pixel, for the types the fast path takes (no palette). */
const COLOR_TYPE_CHANNELS: Record<number, SourceChannels> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes the common, simple PNGs (8-bit grey, grey+alpha, RGB, RGBA; not
 * interlaced; no palette or tRNS; complete up to IEND) in pure JS, which
 * for small images is several times faster than a libvips call. Returns
 * null for anything else (and for images over `maxPixels`), which then takes the sharp path: pixels are
 * identical either way (PNG is lossless; neither applies gamma or ICC).
 */
export function decodeSimplePng(bytes: Uint8Array, maxPixels: number): RawPixels | null {
  if (bytes.length < 8 + 25 + 12 || !SIGNATURE.every((b, i) => bytes[i] === b)) return null;
  if (!IEND_TRAILER.every((b, i) => bytes[bytes.length - 12 + i] === b)) return null;
  // IHDR is the first chunk: length(4) "IHDR"(4) width(4) height(4) depth(1) colour(1) ...
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(16) * view.getUint32(20) > maxPixels) return null; // sharp words the refusal
  const depth = bytes[24];
  const channels = COLOR_TYPE_CHANNELS[bytes[25]!];
  const interlace = bytes[28];
  if (depth !== 8 || channels === undefined || interlace !== 0 || hasChunk(bytes, "tRNS"))
    return null;
  let png;
  try {
    png = decodePng(bytes, { checkCrc: true });
  } catch {
    return null; // let libvips decide and word the error
  }
  const data = png.data;
  if (!(data instanceof Uint8Array) || data.length !== png.width * png.height * channels)
    return null;
  return { data, width: png.width, height: png.height, channels };
}

/** Whether a chunk of this type appears before the first IDAT. */
function hasChunk(bytes: Uint8Array, type: string): boolean {
  const code = [...type].map((c) => c.charCodeAt(0));
  let pos = 8;
  while (pos + 8 <= bytes.length) {
    const len =
      ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) >>>
      0;
    const t = bytes.subarray(pos + 4, pos + 8);
    if (code.every((c, i) => t[i] === c)) return true;
    if (t[0] === 0x49 && t[1] === 0x44 && t[2] === 0x41 && t[3] === 0x54) return false; // IDAT
    pos += 12 + len;
  }
  return false;
}
