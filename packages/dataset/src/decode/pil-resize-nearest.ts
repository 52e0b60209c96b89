/**
 * Pillow 9.4 `Image.resize(size, NEAREST)`: `_resize` (src/_imaging.c) builds the affine matrix
 * a = [srcW / dstW, 0, 0, 0, srcH / dstH, 0] and `ImagingTransformAffine` (Geometry.c) takes the
 * scaling shortcut `ImagingScaleAffine`. That function does NOT compute (x + 0.5) * scale: it
 * starts at `xo = a[2] + a[0] * 0.5` and ADDS `a[0]` once per output column (likewise rows), then
 * truncates with COORD(v) = v < 0 ? -1 : (int)v. The running double sum drifts from the direct
 * product and, where the product is an integer, truncates to the neighbouring source pixel, so the
 * accumulation below follows the C code operation by operation.
 */

/** Pillow's Geometry.c COORD(): -1 for negatives, truncation otherwise. */
function coord(v: number): number {
  return v < 0 ? -1 : Math.trunc(v);
}

/**
 * Source index of every output position along one axis, exactly as ImagingScaleAffine's running
 * sum gives them; -1 marks a position outside the source (Pillow fills it with zeros).
 */
export function nearestIndices(srcSize: number, dstSize: number): Int32Array {
  // box[2] - box[0] is computed in C float, exact for any size below 2^24.
  const step = Math.fround(srcSize) / dstSize;
  const out = new Int32Array(dstSize);
  let pos = 0 + step * 0.5;
  for (let i = 0; i < dstSize; i++) {
    const idx = coord(pos);
    out[i] = idx >= 0 && idx < srcSize ? idx : -1;
    pos += step;
  }
  return out;
}

/**
 * Nearest-neighbour resize of an HWC uint8 image (any channel count), bit-exact with Pillow 9.4.
 *
 * @param src - srcH * srcW * channels bytes, HWC order
 * @returns dstH * dstW * channels bytes, HWC order
 */
export function resizeNearest(
  src: Uint8Array,
  srcW: number,
  srcH: number,
  channels: number,
  dstW: number,
  dstH: number,
): Uint8Array {
  const xs = nearestIndices(srcW, dstW);
  const ys = nearestIndices(srcH, dstH);
  const out = new Uint8Array(dstW * dstH * channels);
  const srcRow = srcW * channels;
  for (let y = 0; y < dstH; y++) {
    const sy = ys[y]!;
    if (sy < 0) continue;
    const rowBase = sy * srcRow;
    let d = y * dstW * channels;
    for (let x = 0; x < dstW; x++, d += channels) {
      const sx = xs[x]!;
      if (sx < 0) continue;
      const s = rowBase + sx * channels;
      for (let c = 0; c < channels; c++) out[d + c] = src[s + c]!;
    }
  }
  return out;
}
