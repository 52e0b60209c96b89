/**
 * A PNG's structure read from its chunks, without inflating anything: the
 * IHDR fields, the IDAT pieces, and how many bytes the image data may
 * inflate to. The fast path and the decompression-bomb guard both start
 * here.
 */
import { inflateSync } from "node:zlib";

/** What a PNG's chunks say, before any pixel is decoded. */
export interface PngLayout {
  readonly width: number;
  readonly height: number;
  /** IHDR bit depth: 1, 2, 4, 8 or 16. */
  readonly bitDepth: number;
  /** IHDR colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  readonly colorType: number;
  readonly interlaced: boolean;
  /** A tRNS chunk is present (palette or colour-key transparency). */
  readonly transparency: boolean;
  /** The IDAT chunks' data, in order. */
  readonly idat: readonly Uint8Array[];
  /** Every chunk lies inside the file and IEND was reached. */
  readonly complete: boolean;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR = 0x49484452;
const IDAT = 0x49444154;
const IEND = 0x49454e44;
const TRNS = 0x74524e53;
/**
 * zlib's output chunk: the promised size plus one byte, so a small image
 * inflates into one buffer of its own size (the default 16 KiB chunk held
 * five times a 32x32 image's bytes until a collection), up to this.
 */
const MAX_CHUNK = 4 << 20;
/** Samples per pixel of each valid colour type. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * The PNG's layout, or null when it has no PNG signature or no valid IHDR
 * as its first chunk. A file cut short gives `complete: false` and the
 * IDAT pieces that lie whole inside it.
 */
export function readPngLayout(bytes: Uint8Array): PngLayout | null {
  if (!isPng(bytes) || bytes.length < 8 + 25) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || view.getUint32(12) !== IHDR) return null;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24]!;
  const colorType = bytes[25]!;
  if (SAMPLES[colorType] === undefined || ![1, 2, 4, 8, 16].includes(bitDepth)) return null;
  const interlaced = bytes[28] !== 0; // 1 is Adam7; other values are invalid and left to libvips

  const idat: Uint8Array[] = [];
  let transparency = false;
  let complete = false;
  for (let pos = 8; pos + 12 <= bytes.length;) {
    const length = view.getUint32(pos);
    const type = view.getUint32(pos + 4);
    if (pos + 12 + length > bytes.length) break;
    if (type === TRNS) transparency = true;
    if (type === IDAT) idat.push(bytes.subarray(pos + 8, pos + 8 + length));
    if (type === IEND) {
      complete = true;
      break;
    }
    pos += 12 + length;
  }
  return { width, height, bitDepth, colorType, interlaced, transparency, idat, complete };
}

/**
 * The bytes the image data inflates to, as the header promises: for each
 * (Adam7) pass, its rows of one filter byte plus the packed samples.
 */
export function promisedDataBytes(layout: PngLayout): number {
  const bits = layout.bitDepth * SAMPLES[layout.colorType]!;
  const rows = (w: number, h: number) =>
    w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bits) / 8));
  if (!layout.interlaced) return rows(layout.width, layout.height);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = layout.width > x0 ? Math.ceil((layout.width - x0) / dx) : 0;
    const h = layout.height > y0 ? Math.ceil((layout.height - y0) / dy) : 0;
    total += rows(w, h);
  }
  return total;
}

/**
 * How far past its promise image data may inflate before it is refused as a
 * bomb: some encoders leave a little slack, which libpng and Pillow ignore.
 */
export function inflateLimit(promised: number): number {
  return promised + Math.max(promised, 64 * 1024);
}

/** What inflating a PNG's image data under its limit gave. */
export type InflatedPngData =
  | { readonly data: Uint8Array }
  | { readonly tooLarge: true; readonly limit: number }
  | { readonly corrupt: true };

/**
 * Inflates the IDAT data, never past {@link inflateLimit} of what the header
 * promises: a stream that would go further stops there (zlib's
 * `maxOutputLength`), so a bomb costs at most that much memory and time.
 */
export function inflatePngData(layout: PngLayout): InflatedPngData {
  const promised = promisedDataBytes(layout);
  const limit = inflateLimit(promised);
  const compressed =
    layout.idat.length === 1 ? layout.idat[0]! : Buffer.concat(layout.idat as Uint8Array[]);
  try {
    const chunkSize = Math.min(Math.max(promised + 1, 64), MAX_CHUNK);
    return { data: inflateSync(compressed, { maxOutputLength: limit, chunkSize }) };
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      return { tooLarge: true, limit };
    return { corrupt: true };
  }
}
