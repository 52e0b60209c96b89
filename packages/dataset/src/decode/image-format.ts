/**
 * Which image format a file is, from its first bytes (its "magic"), and
 * whether featurewise decodes it. Skip reasons are built from this and from
 * the file's own structure, never from a decoder's error text: libvips keeps
 * one error buffer for all threads, so its text for one file can be another
 * file's ("VipsJpeg: premature end" for a truncated PNG), and a reason must
 * be the same on every run.
 */

/** A recognised format. */
export interface ImageFormat {
  /** Short id, as sharp names the formats it reads. */
  readonly id: string;
  /** The name in messages: "PNG", "BMP". */
  readonly name: string;
  /** Why it is not decoded; undefined when it is. */
  readonly unsupported?: string;
}

const PILLOW_ONLY = "Keras reads it through Pillow, but libvips, the decoder here, cannot";
const NOT_PILLOW = "Pillow 9.4, hence Keras, cannot read it";

const FORMATS = {
  png: { id: "png", name: "PNG" },
  jpeg: { id: "jpeg", name: "JPEG" },
  gif: { id: "gif", name: "GIF" },
  webp: { id: "webp", name: "WebP" },
  tiff: { id: "tiff", name: "TIFF" },
  bmp: { id: "bmp", name: "BMP", unsupported: PILLOW_ONLY },
  ico: { id: "ico", name: "ICO", unsupported: PILLOW_ONLY },
  pnm: { id: "pnm", name: "PPM/PGM/PBM", unsupported: PILLOW_ONLY },
  psd: { id: "psd", name: "PSD", unsupported: PILLOW_ONLY },
  jp2: { id: "jp2", name: "JPEG 2000", unsupported: PILLOW_ONLY },
  heif: { id: "heif", name: "HEIF", unsupported: NOT_PILLOW },
  avif: { id: "avif", name: "AVIF", unsupported: NOT_PILLOW },
  jxl: { id: "jxl", name: "JPEG XL", unsupported: NOT_PILLOW },
  svg: { id: "svg", name: "SVG", unsupported: NOT_PILLOW },
} as const satisfies Record<string, ImageFormat>;

/** The formats featurewise decodes (sharp's names): those both sharp and Pillow 9.4 read. */
export const SUPPORTED_FORMAT_IDS: ReadonlySet<string> = new Set(
  Object.values(FORMATS)
    .filter((f: ImageFormat) => f.unsupported === undefined)
    .map((f) => f.id),
);

/** The format sharp reports as `id` (its `metadata().format`), when it is one listed here. */
export function formatById(id: string): ImageFormat | undefined {
  return (FORMATS as Record<string, ImageFormat>)[id];
}

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
}

/** BMP's DIB header sizes (BITMAPCOREHEADER ... BITMAPV5HEADER): "BM" alone is too weak a sign. */
const DIB_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);
const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]);

/**
 * The format of a file from its first bytes; null when none of the known
 * signatures matches (then it is "not an image").
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return FORMATS.png;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return FORMATS.jpeg;
  const head = ascii(bytes, 0, 12);
  if (head.startsWith("GIF87a") || head.startsWith("GIF89a")) return FORMATS.gif;
  if (head.startsWith("RIFF") && head.slice(8, 12) === "WEBP") return FORMATS.webp;
  if (/^(II\*\0|MM\0\*|II\+\0|MM\0\+)/.test(head)) return FORMATS.tiff;
  if (head.startsWith("BM") && bytes.length >= 18) {
    const dib = bytes[14]! | (bytes[15]! << 8) | (bytes[16]! << 16) | (bytes[17]! << 24);
    if (DIB_SIZES.has(dib)) return FORMATS.bmp;
  }
  if ((startsWith(bytes, [0, 0, 1, 0]) || startsWith(bytes, [0, 0, 2, 0])) && bytes[4] !== 0)
    return FORMATS.ico;
  if (/^P[1-7][\s]/.test(head)) return FORMATS.pnm;
  if (head.startsWith("8BPS")) return FORMATS.psd;
  if (
    startsWith(bytes, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]) ||
    startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])
  )
    return FORMATS.jp2;
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20]))
    return FORMATS.jxl;
  if (head.slice(4, 8) === "ftyp") {
    const brand = head.slice(8, 12);
    if (brand === "avif" || brand === "avis") return FORMATS.avif;
    if (HEIF_BRANDS.has(brand)) return FORMATS.heif;
  }
  const text = ascii(bytes, 0, 4096)
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (
    (text.startsWith("<?xml") || text.startsWith("<svg") || text.startsWith("<!")) &&
    text.includes("<svg")
  )
    return FORMATS.svg;
  return null;
}
