/**
 * From what LAPACK and cuSOLVER return to what {@link LinearAlgebra.eigh}
 * promises. Both solvers, given the row-major matrix as a column-major one,
 * return ascending eigenvalues and the eigenvectors as columns of a
 * column-major matrix, which are the rows of the same memory read row-major.
 */
import type { LinearAlgebra } from "@featurewise/core";

/** The shape {@link LinearAlgebra.eigh} resolves with. */
export type EighResult = Awaited<ReturnType<LinearAlgebra["eigh"]>>;

/**
 * Reverses to descending order, in place, and fixes each vector's sign the
 * way the js backend does (its entry of largest magnitude, the first on ties,
 * is positive), so that all backends agree entry by entry.
 * @param ascending - n eigenvalues, ascending
 * @param rows - n×n row-major; row r is the unit eigenvector of ascending[r]
 */
export function toDescendingRows(
  ascending: Float64Array,
  rows: Float64Array,
  n: number,
): EighResult {
  ascending.reverse();
  const tmp = new Float64Array(n);
  for (let i = 0, j = n - 1; i < j; i++, j--) {
    tmp.set(rows.subarray(i * n, i * n + n));
    rows.copyWithin(i * n, j * n, j * n + n);
    rows.set(tmp, j * n);
  }
  for (let i = 0; i < n; i++) {
    const row = rows.subarray(i * n, i * n + n);
    let big = 0;
    for (let k = 1; k < n; k++) if (Math.abs(row[k]!) > Math.abs(row[big]!)) big = k;
    if (row[big]! < 0) for (let k = 0; k < n; k++) row[k] = -row[k]!;
  }
  return { values: ascending, vectors: rows };
}
