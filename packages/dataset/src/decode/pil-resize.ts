/**
 * Pillow 9.4 `Image.resize(size, filter)` dispatch for the L, RGB and RGBA images Keras' `load_img`
 * produces: an unchanged size copies; RGBA with a non-NEAREST filter is premultiplied (RGBa),
 * resampled and un-premultiplied, exactly as `Image.resize` does; NEAREST goes through the affine
 * scaling path, BILINEAR/BICUBIC through the convolution resampler.
 */
import { premultiplyAlpha, unpremultiplyAlpha } from "./pil-convert.js";
import { BICUBIC, BILINEAR, resample } from "./pil-resample.js";
import { resizeNearest } from "./pil-resize-nearest.js";
import type { Interpolation } from "./types.js";

/**
 * Resizes an HWC uint8 image to dstH x dstW the way Pillow 9.4 `Image.resize` does.
 *
 * @param src - srcH * srcW * channels bytes, HWC order; 1 = L, 3 = RGB, 4 = RGBA (alpha last,
 *   not premultiplied). Not modified.
 * @returns dstH * dstW * channels bytes, HWC order (a copy even when the size is unchanged)
 */
export function pilResize(
  src: Uint8Array,
  srcW: number,
  srcH: number,
  channels: 1 | 3 | 4,
  dstW: number,
  dstH: number,
  interpolation: Interpolation,
): Uint8Array {
  if (srcW === dstW && srcH === dstH) return src.slice();
  if (interpolation === "nearest") return resizeNearest(src, srcW, srcH, channels, dstW, dstH);
  const filter = interpolation === "bilinear" ? BILINEAR : BICUBIC;
  if (channels === 4) {
    const premultiplied = premultiplyAlpha(src.slice(), 4);
    const out = resample(premultiplied, srcW, srcH, 4, dstW, dstH, filter);
    return unpremultiplyAlpha(out, 4);
  }
  return resample(src, srcW, srcH, channels, dstW, dstH, filter);
}
