import type { ColorMode, DecodeSettings, Interpolation } from "@featurewise/core";

// The decode vocabulary is the artifact's (core's DecodeSettings); one name for one thing.
export type { ColorMode, Interpolation };

/** Options of {@link decodeImage}: Keras `load_img` settings plus a size guard. */
export interface DecodeOptions extends DecodeSettings {
  /**
   * Largest width*height accepted before any pixel is decoded (decompression bomb guard).
   * @defaultValue {@link DEFAULT_MAX_PIXELS}, Pillow's DecompressionBombError threshold
   */
  maxPixels?: number;
}

/** A decoded image: `data` holds height*width*channels bytes in HWC (row-major, interleaved) order. */
export interface DecodedImage {
  data: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3 | 4;
}

/**
 * Pillow 9.4 refuses images above 2 * `Image.MAX_IMAGE_PIXELS` (2 * 89478485) pixels with a
 * DecompressionBombError, so Keras could never load them either.
 */
export const DEFAULT_MAX_PIXELS = 178_956_970;
