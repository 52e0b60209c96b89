/** Options shared by the native backends. */

/**
 * Arithmetic of SYRK (the co-moment accumulation, and the SYRK that builds
 * the whitening matrix from the eigenvectors):
 * - "float64": everything in double precision (the default);
 * - "float32": the batch is rounded to float32, multiplied with a float32
 *   SYRK into a scratch matrix, then added into the float64 accumulator.
 * GEMM and eigh always run in float64.
 *
 * float32 is not Keras-exact: measured against float64 (float32-precision.test.ts),
 * mean and std stay within 1e-8, but the whitening matrix moves by 3e-5 on
 * 32×32×3 images, ~8e-7 on the parity fixtures, and 0.66 on the rank-deficient
 * fixture under keras-preprocessing 1.1 (its null space is scaled by 1/√ε).
 */
export type Precision = "float64" | "float32";

/** Options of the `openblas` and `cuda` backends. */
export interface NativeBackendOptions {
  /** See {@link Precision}. @defaultValue "float64" */
  readonly precision?: Precision;
}

/** Options of the `openblas` backend. */
export interface OpenBlasOptions extends NativeBackendOptions {
  /**
   * OpenBLAS threads. OpenBLAS keeps one thread pool per process, so this
   * applies to every openblas instance. Fewer threads than cores pays off
   * when other work (image decoding) keeps cores busy: OpenBLAS's threads
   * spin while they wait for each other. On 2 cores with one kept busy, an
   * eigh of 1000² took 2–5.5 s with 2 threads and 0.45–1.3 s with 1.
   * @defaultValue OPENBLAS_NUM_THREADS when set, else one per core (OpenBLAS's own choice)
   */
  readonly threads?: number;
}

/** The default {@link Precision}: float64, since float32 misses the 1e-6 budget on whitening matrices. */
export const DEFAULT_PRECISION: Precision = "float64";
