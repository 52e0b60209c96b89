/**
 * Argument checks before a native call. They matter more here than in the
 * TypeScript reference: a wrong length handed to BLAS reads or writes out of
 * bounds instead of throwing.
 */
import { checkLength, ErrorCodes, FeaturewiseError, PIXEL_SYRK_MAX_ROWS } from "@featurewise/core";

// The same length check as the TypeScript reference; only the dimension bound differs.
export { checkLength };

/** Throws INVALID_ARGUMENT unless `value` is a non-negative integer below 2³¹ (BLAS takes 32-bit ints). */
export function checkDim(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${name} = ${value} is not an integer in [0, 2^31)`,
    );
  }
}

/** Throws INVALID_ARGUMENT (as the js backend does) if the lower triangle of the n×n `a` holds NaN or ±Infinity. */
export function checkFiniteLower(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j <= i; j++) {
      const v = a[row + j]!;
      if (!Number.isFinite(v)) {
        throw new FeaturewiseError(
          ErrorCodes.INVALID_ARGUMENT,
          `eigh: a[${i}][${j}] = ${v} is not finite`,
        );
      }
    }
  }
}

/** The checks every backend's `syrk` makes: k×n `a`, n×n `c`. */
export function checkSyrkArgs(a: Float64Array, k: number, n: number, c: Float64Array): void {
  checkDim("k", k);
  checkDim("n", n);
  checkLength("a", a, k * n, false);
  checkLength("c", c, n * n, true);
}

/** The checks of `syrkPixels`: those of `syrk`, and at most PIXEL_SYRK_MAX_ROWS rows. */
export function checkPixelSyrkArgs(a: Float64Array, k: number, n: number, c: Float64Array): void {
  checkSyrkArgs(a, k, n, c);
  if (k > PIXEL_SYRK_MAX_ROWS) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `syrkPixels: k = ${k} rows, at most ${PIXEL_SYRK_MAX_ROWS} (beyond, float32 sums of 8-bit products are no longer exact)`,
    );
  }
}

/** The checks every backend's `gemm` makes: m×k `a`, k×n `b`. */
export function checkGemmArgs(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  checkDim("m", m);
  checkDim("k", k);
  checkDim("n", n);
  checkLength("a", a, m * k, false);
  checkLength("b", b, k * n, false);
}
