/**
 * Pillow 9.4 `Image.convert` conventions (src/libImaging/Convert.c) on raw interleaved 8-bit
 * pixels. Every function takes pixels in HWC order (`pixels` = height * width) and returns a new
 * array; none of them needs the image's width or height.
 *
 * Source layouts are named by their channel count, as sharp hands them over: 1 = L, 2 = LA,
 * 3 = RGB, 4 = RGBA. Palette images reach these functions already expanded through their palette
 * (RGB, or RGBA when the PNG has tRNS); Pillow's P->L/RGB/RGBA conversions read the same palette
 * entries with the same formulas, so the results are identical.
 */
import type { ColorMode } from "./types.js";

/** Channel count of a source layout: 1 = L, 2 = LA, 3 = RGB, 4 = RGBA. */
export type SourceChannels = 1 | 2 | 3 | 4;

/** Channel count of a Keras colour mode: grayscale 1, rgb 3, rgba 4. */
export function modeChannels(mode: ColorMode): 1 | 3 | 4 {
  return mode === "grayscale" ? 1 : mode === "rgb" ? 3 : 4;
}

/**
 * Pillow's ITU-R 601-2 luma in 16.16 fixed point (Convert.c `L24(rgb) >> 16`):
 * L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16. Used by RGB->L, RGBA->L and P->L.
 */
export function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/** Converts `pixels` pixels of layout `channels` to L (HW1): LA drops alpha, RGB(A) uses {@link luma}. */
export function toL(src: Uint8Array, pixels: number, channels: SourceChannels): Uint8Array {
  if (channels === 1) return src.slice(0, pixels);
  const out = new Uint8Array(pixels);
  if (channels === 2) {
    for (let i = 0; i < pixels; i++) out[i] = src[2 * i]!;
    return out;
  }
  for (let i = 0, s = 0; i < pixels; i++, s += channels) {
    out[i] = luma(src[s]!, src[s + 1]!, src[s + 2]!);
  }
  return out;
}

/** Converts to RGB (HW3): L and LA replicate the grey level, RGBA drops alpha. */
export function toRGB(src: Uint8Array, pixels: number, channels: SourceChannels): Uint8Array {
  if (channels === 3) return src.slice(0, pixels * 3);
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, s = 0, d = 0; i < pixels; i++, s += channels, d += 3) {
    if (channels <= 2) {
      const v = src[s]!;
      out[d] = v;
      out[d + 1] = v;
      out[d + 2] = v;
    } else {
      out[d] = src[s]!;
      out[d + 1] = src[s + 1]!;
      out[d + 2] = src[s + 2]!;
    }
  }
  return out;
}

/** Converts to RGBA (HW4): L and RGB get alpha 255, LA replicates grey and keeps its alpha. */
export function toRGBA(src: Uint8Array, pixels: number, channels: SourceChannels): Uint8Array {
  if (channels === 4) return src.slice(0, pixels * 4);
  const out = new Uint8Array(pixels * 4);
  for (let i = 0, s = 0, d = 0; i < pixels; i++, s += channels, d += 4) {
    if (channels <= 2) {
      const v = src[s]!;
      out[d] = v;
      out[d + 1] = v;
      out[d + 2] = v;
      out[d + 3] = channels === 2 ? src[s + 1]! : 255;
    } else {
      out[d] = src[s]!;
      out[d + 1] = src[s + 1]!;
      out[d + 2] = src[s + 2]!;
      out[d + 3] = 255;
    }
  }
  return out;
}

/**
 * Keras `load_img` colour handling: grayscale converts to L unless already L, rgb to RGB,
 * rgba to RGBA. Returns HWC pixels with {@link modeChannels}(mode) channels.
 */
export function convertForColorMode(
  src: Uint8Array,
  pixels: number,
  channels: SourceChannels,
  mode: ColorMode,
): Uint8Array {
  if (mode === "grayscale") return toL(src, pixels, channels);
  if (mode === "rgb") return toRGB(src, pixels, channels);
  return toRGBA(src, pixels, channels);
}

/** Pillow's MULDIV255(a, b): a*b/255 rounded, in integers (ImagingUtils.h). */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/**
 * Pillow's naive CMYK->RGB (Convert.c `cmyk2rgb`, no colour management): with nk = 255 - K,
 * R = nk - MULDIV255(C, nk), likewise G from M and B from Y. Input HW4 (C, M, Y, K, ink values
 * where 255 is full ink, as both libjpeg-via-libvips and Pillow present Adobe JPEGs), output HW3.
 */
export function cmykToRGB(src: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, s = 0, d = 0; i < pixels; i++, s += 4, d += 3) {
    const nk = 255 - src[s + 3]!;
    out[d] = nk - mulDiv255(src[s]!, nk);
    out[d + 1] = nk - mulDiv255(src[s + 1]!, nk);
    out[d + 2] = nk - mulDiv255(src[s + 2]!, nk);
  }
  return out;
}

/**
 * RGBA -> premultiplied RGBa (Convert.c `rgbA2rgba`): each colour becomes MULDIV255(c, alpha).
 * Works on any HWC buffer whose last channel is alpha (`channels` 2 for LA->La or 4), in place.
 */
export function premultiplyAlpha(data: Uint8Array, channels: 2 | 4): Uint8Array {
  for (let s = 0; s < data.length; s += channels) {
    const a = data[s + channels - 1]!;
    for (let c = 0; c < channels - 1; c++) data[s + c] = mulDiv255(data[s + c]!, a);
  }
  return data;
}

/**
 * RGBa -> RGBA (Convert.c `rgba2rgbA`): alpha 0 or 255 keeps the colour, otherwise
 * min(255, floor(255 * c / alpha)) - integer division, not rounding. In place.
 */
export function unpremultiplyAlpha(data: Uint8Array, channels: 2 | 4): Uint8Array {
  for (let s = 0; s < data.length; s += channels) {
    const a = data[s + channels - 1]!;
    if (a === 0 || a === 255) continue;
    for (let c = 0; c < channels - 1; c++) {
      const v = Math.floor((255 * data[s + c]!) / a);
      data[s + c] = v > 255 ? 255 : v;
    }
  }
  return data;
}
