/** Options shared by the native backends. */

/**
 * Arithmetic of the SYRK that accumulates co-moments:
 * - "float64": everything in double precision (the default);
 * - "float32": the batch is rounded to float32, multiplied with a float32
 *   SYRK into a scratch matrix, then added into the float64 accumulator.
 * GEMM and eigh always run in float64.
 */
export type Precision = "float64" | "float32";

/** Options of the `openblas` and `cuda` backends. */
export interface NativeBackendOptions {
  /** See {@link Precision}. @defaultValue "float64" */
  readonly precision?: Precision;
}

/** The default {@link Precision}: float64 (see README of this package for the measured float32 error). */
export const DEFAULT_PRECISION: Precision = "float64";
