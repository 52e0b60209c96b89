import type { SourceChannels } from "./pil-convert.js";
import type { PngLayout } from "./png-layout.js";

/** Raw pixels straight from a PNG file, before any Keras conversion. */
export interface RawPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: SourceChannels;
}

/** PNG colour type → samples per pixel, for the types the fast path takes (no palette). */
const COLOR_TYPE_CHANNELS: Record<number, SourceChannels> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes the common, simple PNGs (8-bit grey, grey+alpha, RGB, RGBA; not
 * interlaced; no palette or tRNS; complete up to IEND) with a JS unfilter of
 * their inflated image data (see `inflatePngData`) — for small images many
 * times faster than a libvips call. Returns null for anything else (or any
 * damage), which then takes the libvips path: pixels are identical either
 * way (PNG is lossless; neither applies gamma or ICC).
 *
 * @param layout - the PNG's chunks ({@link readPngLayout})
 * @param filtered - its IDAT data, inflated
 */
export function decodeSimplePng(layout: PngLayout, filtered: Uint8Array): RawPixels | null {
  if (!layout.complete || layout.transparency || layout.interlaced) return null;
  const { width, height } = layout;
  const channels = COLOR_TYPE_CHANNELS[layout.colorType];
  if (layout.bitDepth !== 8 || channels === undefined || width === 0 || height === 0) return null;
  const stride = width * channels;
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
