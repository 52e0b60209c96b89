/**
 * Householder reduction of a symmetric matrix to tridiagonal form, with the
 * orthogonal transformation accumulated: EISPACK tred2 as in JAMA (public
 * domain), same arithmetic except for split partial sums in dot products.
 *
 * JAMA keeps V column-major in spirit (its inner loops walk down columns of
 * V). Here the working matrix is w = Vᵀ in row-major order, so every inner
 * loop runs over contiguous memory.
 */

/** Σ_{k<len} w[p+k]·w[q+k], with four partial sums to shorten the dependency chain. */
function dot(w: Float64Array, p: number, q: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += w[p + k]! * w[q + k]!;
    s1 += w[p + k + 1]! * w[q + k + 1]!;
    s2 += w[p + k + 2]! * w[q + k + 2]!;
    s3 += w[p + k + 3]! * w[q + k + 3]!;
  }
  for (; k < len; k++) s0 += w[p + k]! * w[q + k]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Householder tridiagonalisation (tred2). On entry w holds the symmetric
 * matrix; on exit w = Qᵀ (rows are the accumulated transformation's columns),
 * d the diagonal and e[1..n-1] the subdiagonal of the tridiagonal matrix.
 */
export function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1]!;
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      // Generate the Householder vector.
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      e.fill(0, 0, i);
      // Apply the similarity transformation to the remaining columns.
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j]!;
        w[i * n + j] = f;
        // Two partial sums shorten the dependency chain of the dot product.
        let g0 = e[j]! + w[row + j]! * f;
        let g1 = 0;
        let k = j + 1;
        for (; k + 1 <= i - 1; k += 2) {
          const v0 = w[row + k]!;
          const v1 = w[row + k + 1]!;
          g0 += v0 * d[k]!;
          g1 += v1 * d[k + 1]!;
          e[k]! += v0 * f;
          e[k + 1]! += v1 * f;
        }
        if (k <= i - 1) {
          const v = w[row + k]!;
          g0 += v * d[k]!;
          e[k]! += v * f;
        }
        e[j] = g0 + g1;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) w[row + k]! -= f * e[k]! + g * d[k]!;
        d[j] = w[row + i - 1]!;
        w[row + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    const next = (i + 1) * n;
    w[i * n + n - 1] = w[i * n + i]!;
    w[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[next + k]! / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        const g = dot(w, next, row, i + 1);
        for (let k = 0; k <= i; k++) w[row + k]! -= g * d[k]!;
      }
    }
    w.fill(0, next, next + i + 1);
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1]!;
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}
