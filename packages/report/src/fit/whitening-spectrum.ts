/**
 * The eigenvalues ZCA whitened, recovered from the whitening matrix the
 * artifact stores (docs/DESIGN.md §3.2). W = Σ uᵢuᵢᵀ·f(λᵢ) shares its
 * eigenvectors with the centred Gram matrix G = Σ λᵢuᵢuᵢᵀ, so each
 * eigenvalue w of W gives back λ by inverting f:
 * - profile `keras`: w = √n/(√λ + ε), so λ = (√n/w − ε)²; the directions
 *   i ≥ min(n, D) have w = 0 (Keras drops them);
 * - profile `keras-preprocessing-1.1`: w = 1/√(λ/n + ε), so λ/n = 1/w² − ε.
 * The spectrum is reported as s = λ/n, the variance of the (rescaled,
 * centred) pixels along each direction.
 */
import type { Profile } from "@featurewise/core";

/** The covariance spectrum of a ZCA artifact. */
export interface WhiteningSpectrum {
  /** s = λ/n for each direction W kept, largest first. */
  readonly values: Float64Array;
  /** Directions W gives 0 (dropped: n < D under profile `keras`). */
  readonly dropped: number;
  /**
   * The s at which ε weighs as much as the eigenvalue term it is added to:
   * `keras` adds ε to √λ = √(n·s), so s = ε²/n; `keras-preprocessing-1.1`
   * adds ε to s itself.
   */
  readonly epsilonLevel: number;
  /** How `epsilonLevel` was derived, for the report's caption. */
  readonly epsilonMeaning: string;
}

/**
 * Inverts the whitening's eigenvalues (any order) into the covariance
 * spectrum, largest first. Eigenvalues of W at or below `tolerance`·max are
 * counted as dropped; a recovered s below 0 (rounding near ε) is kept as 0.
 */
export function whiteningSpectrum(
  whiteningEigenvalues: ArrayLike<number>,
  profile: Profile,
  n: number,
  epsilon: number,
  tolerance = 1e-12,
): WhiteningSpectrum {
  const w = Float64Array.from(whiteningEigenvalues);
  const max = w.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  const kept = w.filter((v) => v > tolerance * max);
  const values = kept.map((v) => {
    const s = profile === "keras" ? (Math.sqrt(n) / v - epsilon) ** 2 / n : 1 / (v * v) - epsilon;
    return Math.max(0, s);
  });
  values.sort().reverse();
  return profile === "keras"
    ? {
        values,
        dropped: w.length - kept.length,
        epsilonLevel: (epsilon * epsilon) / n,
        epsilonMeaning: `ε = ${epsilon} is added to √(n·s): it dominates below s = ε²/n`,
      }
    : {
        values,
        dropped: w.length - kept.length,
        epsilonLevel: epsilon,
        epsilonMeaning: `ε = ${epsilon} is added to s: it dominates below s = ε`,
      };
}
