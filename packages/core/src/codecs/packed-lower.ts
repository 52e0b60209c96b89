/**
 * Packed storage of the lower triangle of a symmetric matrix, row-major:
 * for i in 0..n-1, for j in 0..i: M[i][j] — n·(n+1)/2 values; row i starts at i·(i+1)/2.
 */

/**
 * The rows of the lower triangle (i >= j) of an n×n row-major matrix, as views
 * on it: concatenated, they are its packed form.
 * @param full - n×n row-major; the upper triangle is not part of any row
 */
export function lowerTriangleRows(full: Float64Array, n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => full.subarray(i * n, i * n + i + 1));
}

/**
 * Unpacks a packed lower triangle into a full symmetric n×n row-major matrix
 * (both triangles filled). The transpose into the upper triangle runs in tiles
 * to stay cache-friendly for large n.
 * @param packed - n·(n+1)/2 values
 */
export function unpackLowerSymmetric(packed: Float64Array, n: number): Float64Array {
  const full = new Float64Array(n * n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    full.set(packed.subarray(p, p + i + 1), i * n);
    p += i + 1;
  }
  const TILE = 64;
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j0 = 0; j0 <= i0; j0 += TILE) {
      for (let i = i0; i < i1; i++) {
        const j1 = Math.min(i, j0 + TILE);
        const row = i * n;
        for (let j = j0; j < j1; j++) full[j * n + i] = full[row + j]!;
      }
    }
  }
  return full;
}
