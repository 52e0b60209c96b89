/**
 * Pixel work for pictures in a report, free of I/O: images laid out in a
 * grid, standardized values turned back into displayable bytes, arrays in
 * the data format's order turned into HWC.
 */
import type { DataFormat, ImageShape } from "@featurewise/core";

/** An 8-bit picture: height×width×channels bytes, row-major HWC. */
export interface Picture {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
}

/** How {@link tileGrid} lays pictures out. */
export interface GridOptions {
  /** Pictures a row. @defaultValue 8 */
  readonly columns?: number;
  /** Each picture is enlarged by a whole factor (nearest) to at least this many pixels wide. @defaultValue 48 */
  readonly minTile?: number;
  /** Pixels between pictures (white). @defaultValue 2 */
  readonly gap?: number;
}

/**
 * Lays out pictures of one size and channel count in rows, left to right,
 * enlarged by a whole factor so small images stay visible.
 * @throws RangeError when the pictures differ in size or channels, or there are none
 */
export function tileGrid(pictures: readonly Picture[], options: GridOptions = {}): Picture {
  const first = pictures[0];
  if (first === undefined) throw new RangeError("tileGrid: no pictures");
  const { width: w, height: h, channels: c } = first;
  for (const p of pictures) {
    if (p.width !== w || p.height !== h || p.channels !== c || p.data.length !== w * h * c) {
      throw new RangeError(
        `tileGrid: pictures differ (${p.width}x${p.height}x${p.channels} vs ${w}x${h}x${c})`,
      );
    }
  }
  const columns = Math.min(options.columns ?? 8, pictures.length);
  const rows = Math.ceil(pictures.length / columns);
  const gap = options.gap ?? 2;
  const scale = Math.max(1, Math.ceil((options.minTile ?? 48) / w));
  const tw = w * scale;
  const th = h * scale;
  const width = columns * tw + (columns - 1) * gap;
  const height = rows * th + (rows - 1) * gap;
  const data = new Uint8Array(width * height * c).fill(255);
  pictures.forEach((p, k) => {
    const ox = (k % columns) * (tw + gap);
    const oy = Math.floor(k / columns) * (th + gap);
    for (let y = 0; y < th; y++) {
      const src = Math.floor(y / scale) * w;
      const dst = ((oy + y) * width + ox) * c;
      for (let x = 0; x < tw; x++) {
        const s = (src + Math.floor(x / scale)) * c;
        for (let ch = 0; ch < c; ch++) data[dst + x * c + ch] = p.data[s + ch]!;
      }
    }
  });
  return { data, width, height, channels: c };
}

/** The HWC position of each value of a flattened image in `format` order (length D). */
function hwcIndex(shape: ImageShape, format: DataFormat): Uint32Array {
  const { height: h, width: w, channels: c } = shape;
  const out = new Uint32Array(h * w * c);
  for (let p = 0; p < out.length; p++) {
    if (format === "channels_last") out[p] = p;
    else {
      const ch = Math.floor(p / (h * w));
      out[p] = (p % (h * w)) * c + ch;
    }
  }
  return out;
}

/**
 * One flattened image (D values in `format` order) as a picture: each value
 * v is shown as `offset + v·gain`, rounded and clamped to 0–255.
 */
export function valuesToPicture(
  values: ArrayLike<number>,
  shape: ImageShape,
  format: DataFormat,
  gain: number,
  offset: number,
): Picture {
  const index = hwcIndex(shape, format);
  const data = new Uint8Array(index.length);
  for (let p = 0; p < index.length; p++) {
    const v = offset + values[p]! * gain;
    data[index[p]!] = Number.isFinite(v) ? Math.min(255, Math.max(0, Math.round(v))) : 0;
  }
  return { data, width: shape.width, height: shape.height, channels: shape.channels as 1 | 3 | 4 };
}

/**
 * The scale that shows standardized values: the `quantile` of |v| over all
 * of them (so a few extreme pixels do not grey out the rest); 1 when all are 0.
 */
export function robustScale(values: ArrayLike<number>, quantile = 0.99): number {
  const a = Float64Array.from(values, Math.abs).filter(Number.isFinite).sort();
  if (a.length === 0) return 1;
  const q = a[Math.min(a.length - 1, Math.floor(quantile * (a.length - 1)))]!;
  return q > 0 ? q : 1;
}
