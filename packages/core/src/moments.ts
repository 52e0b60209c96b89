/**
 * Sufficient statistics of a set of flattened images (DESIGN.md §3.1).
 *
 * `mean` has `dim` entries in the artifact's pixel order (H,W,C for
 * channels_last, C,H,W for channels_first). `comoment` is the centred
 * co-moment M = Σ (x-μ)(x-μ)ᵀ:
 * - kind "full": dim×dim row-major, only the lower triangle (i >= j) is meaningful;
 * - kind "diagonal": its diagonal only (dim values), enough for mean/std fits.
 * Values are raw decoded pixel values (before rescale).
 */
export interface Moments {
  readonly kind: MomentsKind;
  readonly dim: number;
  n: number;
  readonly mean: Float64Array;
  readonly comoment: Float64Array;
}

export type MomentsKind = "full" | "diagonal";
