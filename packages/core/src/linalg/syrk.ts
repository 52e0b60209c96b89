/**
 * Symmetric rank-k update of a lower triangle, C := alpha·AᵀA + beta·C, in
 * plain TypeScript. A is transposed chunk by chunk (KC rows of A at a time) so
 * that each C[i][j] is a dot product of two contiguous vectors, and C is
 * computed in 4×2 register tiles (8 running sums, 6 loads per 8 multiply-adds).
 */
import { checkDim, checkLength } from "./check-args.js";

/** Rows of A transposed and consumed per pass (bounds the scratch to n·KC values). */
const KC = 256;

/** Scales the lower triangle of the n×n row-major `c` by beta (beta = 0 clears it, NaN included). */
function scaleLower(c: Float64Array, n: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    if (beta === 0) c.fill(0, row, row + i + 1);
    else for (let j = row; j <= row + i; j++) c[j]! *= beta;
  }
}

/**
 * C[i][j] := alpha·Σ_r A[r][i]·A[r][j] + beta·C[i][j] for i >= j; the upper
 * triangle of C is neither read nor written.
 * @param a - k×n row-major (k samples of n values); at least k·n values, the first k·n are used
 * @param c - n×n row-major
 * @throws FeaturewiseError INVALID_ARGUMENT on bad dimensions or lengths
 */
export function syrkLower(
  a: Float64Array,
  k: number,
  n: number,
  c: Float64Array,
  alpha: number,
  beta: number,
): void {
  checkDim("k", k);
  checkDim("n", n);
  checkLength("a", a, k * n, false);
  checkLength("c", c, n * n, true);
  scaleLower(c, n, beta);
  if (alpha === 0 || k === 0 || n === 0) return;
  const kc = Math.min(KC, k);
  const t = new Float64Array(n * kc);
  for (let r0 = 0; r0 < k; r0 += kc) {
    const len = Math.min(kc, k - r0);
    // t[i*len + r] = A[r0 + r][i]: row i of t is column i of this chunk of A.
    for (let r = 0; r < len; r++) {
      const src = (r0 + r) * n;
      for (let i = 0; i < n; i++) t[i * len + r] = a[src + i]!;
    }
    accumulateLower(t, len, n, c, alpha);
  }
}

/** C[i][j] += alpha·(t_i · t_j) for i >= j, where t_i is row i of the n×len matrix t. */
function accumulateLower(
  t: Float64Array,
  len: number,
  n: number,
  c: Float64Array,
  alpha: number,
): void {
  const n4 = n - (n % 4);
  for (let i0 = 0; i0 < n4; i0 += 4) {
    const p0 = i0 * len;
    const p1 = p0 + len;
    const p2 = p1 + len;
    const p3 = p2 + len;
    for (let j = 0; j < i0 + 4; j += 2) {
      const q0 = j * len;
      const q1 = q0 + len;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let r = 0; r < len; r++) {
        const b0 = t[q0 + r]!;
        const b1 = t[q1 + r]!;
        const x0 = t[p0 + r]!;
        const x1 = t[p1 + r]!;
        const x2 = t[p2 + r]!;
        const x3 = t[p3 + r]!;
        s00 += x0 * b0;
        s01 += x0 * b1;
        s10 += x1 * b0;
        s11 += x1 * b1;
        s20 += x2 * b0;
        s21 += x2 * b1;
        s30 += x3 * b0;
        s31 += x3 * b1;
      }
      const c0 = i0 * n + j;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      if (j + 1 < i0) {
        c[c0]! += alpha * s00;
        c[c0 + 1]! += alpha * s01;
        c[c1]! += alpha * s10;
        c[c1 + 1]! += alpha * s11;
        c[c2]! += alpha * s20;
        c[c2 + 1]! += alpha * s21;
        c[c3]! += alpha * s30;
        c[c3 + 1]! += alpha * s31;
      } else {
        // A tile on the diagonal also computed a few upper entries: keep i >= j only.
        const d = i0 - j; // row offset minus column offset of the tile's corner: 2 or 0
        if (d >= 0) c[c0]! += alpha * s00;
        if (d >= 1) c[c0 + 1]! += alpha * s01;
        if (d >= -1) c[c1]! += alpha * s10;
        if (d >= 0) c[c1 + 1]! += alpha * s11;
        if (d >= -2) c[c2]! += alpha * s20;
        if (d >= -1) c[c2 + 1]! += alpha * s21;
        if (d >= -3) c[c3]! += alpha * s30;
        if (d >= -2) c[c3 + 1]! += alpha * s31;
      }
    }
  }
  for (let i = n4; i < n; i++) {
    const p = i * len;
    for (let j = 0; j <= i; j++) {
      const q = j * len;
      let s = 0;
      for (let r = 0; r < len; r++) s += t[p + r]! * t[q + r]!;
      c[i * n + j]! += alpha * s;
    }
  }
}
