/** Channel layout asked of the decoder, as Keras' `load_img(color_mode=...)`. */
export type ColorMode = "rgb" | "grayscale" | "rgba";

/** Resampling filter, as Keras' `load_img(interpolation=...)` (PIL NEAREST, BILINEAR, BICUBIC). */
export type Interpolation = "nearest" | "bilinear" | "bicubic";

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** @defaultValue "rgb" */
  colorMode: ColorMode;
  /** [height, width] or null for the native size */
  targetSize: readonly [number, number] | null;
  /** @defaultValue "nearest" (Keras' default) */
  interpolation: Interpolation;
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
