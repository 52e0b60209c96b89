/**
 * Why a file of a supported format failed to decode, told from the file's
 * own structure rather than from the decoder's message (libvips' error
 * buffer is shared between threads, so its text is not the file's own):
 * the same bytes always give the same reason.
 */
import type { ImageFormat } from "./image-format.js";
import { readPngLayout } from "./png-layout.js";

/**
 * The reason for a decoder failure on `bytes` of `format`: "truncated PNG
 * (the file ends before its IEND chunk)", "corrupt JPEG data", and so on.
 */
export function failureReason(bytes: Uint8Array, format: ImageFormat): string {
  const cut = truncation(bytes, format.id);
  if (cut !== null) return `truncated ${format.name} (the file ends ${cut})`;
  return format.id === "tiff" ? "corrupt or truncated TIFF data" : `corrupt ${format.name} data`;
}

/** Where a file of a known format ends too early, or null when its end marker is there. */
function truncation(bytes: Uint8Array, id: string): string | null {
  switch (id) {
    case "png": {
      const layout = readPngLayout(bytes);
      if (layout === null) return bytes.length < 33 ? "inside its header" : null;
      return layout.complete ? null : "before its IEND chunk";
    }
    case "jpeg":
      return jpegHasEnd(bytes) ? null : "before its end-of-image marker";
    case "gif":
      return bytes[bytes.length - 1] === 0x3b ? null : "before its trailer";
    case "webp": {
      if (bytes.length < 12) return "inside its header";
      const riff = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
      return bytes.length < riff + 8
        ? `after ${bytes.length} of the ${riff + 8} bytes its header gives`
        : null;
    }
    default:
      return null;
  }
}

/**
 * True when a JPEG has its EOI marker after the first SOS: segments are
 * walked by their lengths up to the first scan (an EXIF thumbnail's own EOI
 * lies inside APP1), then entropy-coded data, where 0xFF is followed by 0,
 * a restart marker or the markers between progressive scans, never by
 * 0xD9 except at the end.
 */
function jpegHasEnd(bytes: Uint8Array): boolean {
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return false;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd9) return true;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    pos += 2 + length;
    if (marker === 0xda) {
      for (let i = pos; i + 1 < bytes.length; i++) {
        if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
      }
      return false;
    }
  }
  return false;
}
