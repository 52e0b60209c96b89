/**
 * An image's pixel size as its header declares it, read without decoding a
 * pixel: checks that depend only on the size (the ZCA matrix's) can refuse a
 * 12000x12000 image before it costs 4 s and 1.4 GB to decode.
 */
import { sniffImageFormat } from "./image-format.js";
import { loadSharp } from "./load-sharp.js";
import { readPngLayout } from "./png-layout.js";

/** Width and height in pixels (the first frame or page). */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/**
 * The size an image's header declares: a PNG's IHDR, else libvips' header
 * read (sharp `metadata()`, which decodes no pixels). Null when the file is
 * not a supported image or its header cannot be read; the decode then says why.
 */
export async function readImageSize(bytes: Uint8Array): Promise<ImageSize | null> {
  const format = sniffImageFormat(bytes);
  if (format === null || format.unsupported !== undefined) return null;
  if (format.id === "png") {
    const layout = readPngLayout(bytes);
    return layout === null ? null : { width: layout.width, height: layout.height };
  }
  const sharp = await loadSharp();
  try {
    const meta = await sharp(bytes, { limitInputPixels: false, autoOrient: false }).metadata();
    return { width: meta.width, height: meta.height };
  } catch {
    return null;
  }
}
