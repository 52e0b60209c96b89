/**
 * Helpers for the linear-algebra tests (and benchmarks): a seeded PRNG and
 * naive reference routines. Not part of the public API.
 */

import { randomNormal } from "../../../../test/helpers/random.js";

// The seeded random numbers are the repository's one copy, shared with linalg's tests.
export { randomNormal, seededRandom } from "../../../../test/helpers/random.js";

/** Naive C = A·B for row-major A (m×k) and B (k×n). */
export function naiveGemm(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

/** Transpose of a row-major rows×cols matrix. */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** Frobenius norm. */
export function frobenius(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s);
}

/** A symmetric positive definite n×n matrix BᵀB/n + 0.1·I with B (n+3)×n Gaussian. */
export function randomSpd(n: number, rand: () => number): Float64Array {
  const rows = n + 3;
  const b = randomNormal(rand, rows * n);
  const a = naiveGemm(transpose(b, rows, n), b, n, rows, n);
  for (let i = 0; i < n * n; i++) a[i]! /= n;
  for (let i = 0; i < n; i++) a[i * n + i]! += 0.1;
  return a;
}

/** A random n×n orthogonal matrix (Gram–Schmidt, twice, on Gaussian rows); rows are orthonormal. */
export function randomOrthogonal(n: number, rand: () => number): Float64Array {
  const q = randomNormal(rand, n * n);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += q[i * n + k]! * q[j * n + k]!;
        for (let k = 0; k < n; k++) q[i * n + k]! -= dot * q[j * n + k]!;
      }
      const norm = frobenius(q.subarray(i * n, i * n + n));
      for (let k = 0; k < n; k++) q[i * n + k]! /= norm;
    }
  }
  return q;
}

/** Qᵀ·diag(values)·Q for a row-major n×n Q whose rows are the eigenvectors. */
export function fromEigen(values: ArrayLike<number>, q: Float64Array, n: number): Float64Array {
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) scaled[i * n + k] = values[i]! * q[i * n + k]!;
  return naiveGemm(transpose(q, n, n), scaled, n, n, n);
}
