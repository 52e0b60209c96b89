/**
 * A JPEG's frame header (SOFn) read from its bytes, without libvips: for the
 * common photo (8-bit, 3 components) decode.ts then asks sharp for the pixels
 * at once instead of reading the header through `metadata()` first (a second
 * libvips call per image, ~0.2-0.6 ms of a ~3 ms decode). Anything unusual
 * (grey, CMYK, 12-bit, a damaged or odd marker sequence) returns null and
 * takes the general path, which also gives the error messages.
 */

/** What the frame header says. */
export interface JpegFrame {
  readonly width: number;
  readonly height: number;
  /** Bits per sample (8 or 12). */
  readonly precision: number;
  /** 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK. */
  readonly components: number;
}

/** SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * The first frame header of a JPEG (SOI, then marker segments up to SOFn),
 * or null when the bytes do not lead to one before the scan data.
 */
export function readJpegFrame(bytes: Uint8Array): JpegFrame | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) return null;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // no length
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      if (length < 8 || at + 2 + 8 > bytes.length) return null;
      const s = at + 4;
      return {
        precision: bytes[s]!,
        height: (bytes[s + 1]! << 8) | bytes[s + 2]!,
        width: (bytes[s + 3]! << 8) | bytes[s + 4]!,
        components: bytes[s + 5]!,
      };
    }
    at += 2 + length;
  }
  return null;
}
