import { inflateSync } from "node:zlib";
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
const IHDR = 0x49484452;
const IDAT = 0x49444154;
const IEND = 0x49454e44;
const TRNS = 0x74524e53;

/**
 * Decodes the common, simple PNGs (8-bit grey, grey+alpha, RGB, RGBA; not
 * interlaced; no palette or tRNS; complete up to IEND) with native zlib and
 * a JS unfilter — for small images many times faster than a libvips call.
 * Returns null for anything else (and for images over `maxPixels`, or any
 * damage), which then takes the libvips path and its error messages:
 * pixels are identical either way (PNG is lossless; neither applies gamma or ICC).
 */
export function decodeSimplePng(bytes: Uint8Array, maxPixels: number): RawPixels | null {
  if (bytes.length < 8 + 25 + 12 || !SIGNATURE.every((b, i) => bytes[i] === b)) return null;
  if (!IEND_TRAILER.every((b, i) => bytes[bytes.length - 12 + i] === b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(12) !== IHDR) return null;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const channels = COLOR_TYPE_CHANNELS[bytes[25]!];
  if (bytes[24] !== 8 || channels === undefined || bytes[28] !== 0) return null;
  if (width === 0 || height === 0 || width * height > maxPixels) return null;

  const idat: Uint8Array[] = [];
  for (let pos = 8; pos + 12 <= bytes.length;) {
    const length = view.getUint32(pos);
    const type = view.getUint32(pos + 4);
    if (pos + 12 + length > bytes.length) return null;
    if (type === TRNS) return null;
    if (type === IDAT) idat.push(bytes.subarray(pos + 8, pos + 8 + length));
    if (type === IEND) break;
    pos += 12 + length;
  }
  const stride = width * channels;
  let filtered: Uint8Array;
  try {
    filtered = inflateSync(idat.length === 1 ? idat[0]! : Buffer.concat(idat));
  } catch {
    return null;
  }
  if (filtered.length !== height * (stride + 1)) return null;
  const data = unfilter(filtered, height, stride, channels);
  return data === null ? null : { data, width, height, channels };
}

/** Reverses the PNG scanline filters (8-bit samples, `bpp` bytes a pixel). */
function unfilter(src: Uint8Array, height: number, stride: number, bpp: number): Uint8Array | null {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = src[y * (stride + 1)];
    const s = y * (stride + 1) + 1;
    const o = y * stride;
    const p = o - stride; // previous output row (only read when y > 0)
    switch (filter) {
      case 0:
        out.set(src.subarray(s, s + stride), o);
        break;
      case 1:
        for (let i = 0; i < stride; i++)
          out[o + i] = src[s + i]! + (i >= bpp ? out[o + i - bpp]! : 0);
        break;
      case 2:
        for (let i = 0; i < stride; i++) out[o + i] = src[s + i]! + (y > 0 ? out[p + i]! : 0);
        break;
      case 3:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? out[o + i - bpp]! : 0;
          const up = y > 0 ? out[p + i]! : 0;
          out[o + i] = src[s + i]! + ((left + up) >> 1);
        }
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? out[o + i - bpp]! : 0;
          const b = y > 0 ? out[p + i]! : 0;
          const c = i >= bpp && y > 0 ? out[p + i - bpp]! : 0;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          out[o + i] = src[s + i]! + pred;
        }
        break;
      default:
        return null;
    }
  }
  return out;
}
