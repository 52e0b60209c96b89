/**
 * Eigen-decomposition of a symmetric tridiagonal matrix by the implicit QL
 * algorithm with shifts, accumulating the rotations: EISPACK tql2 as in JAMA
 * (public domain), same arithmetic. Works on w = Vᵀ (row-major), so each
 * plane rotation combines two contiguous rows.
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";

/** QL iterations allowed per eigenvalue before giving up (LAPACK allows 30). */
const MAX_ITERATIONS = 60;

/**
 * Implicit QL on the tridiagonal (d, e) (tql2), applying each plane rotation
 * to the rows of w. On exit d holds the (unsorted) eigenvalues and row j of w
 * the eigenvector of d[j].
 */
export function diagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  const cs = new Float64Array(n);
  const sn = new Float64Array(n);
  const carry = new Float64Array(n);
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    // Find a small subdiagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_ITERATIONS) {
          throw new FeaturewiseError(
            ErrorCodes.BACKEND_UNAVAILABLE,
            `eigh (js): QL iteration did not converge for eigenvalue ${l} of ${n}`,
          );
        }
        // Compute the implicit shift.
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        // Implicit QL transformation.
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          cs[i] = c;
          sn[i] = s;
        }
        applyRotations(w, n, l, m, cs, sn, carry);
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l]! += f;
    e[l] = 0;
  }
}

/**
 * Applies the rotations (cs[i], sn[i]) for i = m-1 down to l to row pairs
 * (i, i+1) of w, exactly as JAMA's column updates
 * `V[k][i+1] = s·V[k][i] + c·V[k][i+1]; V[k][i] = c·V[k][i] − s·V[k][i+1]`.
 * Each row's running value is carried in `carry`, so every row of w is read
 * once and written once per sweep.
 */
function applyRotations(
  w: Float64Array,
  n: number,
  l: number,
  m: number,
  cs: Float64Array,
  sn: Float64Array,
  carry: Float64Array,
): void {
  carry.set(w.subarray(m * n, m * n + n));
  let i = m - 1;
  // Two rotations per pass over the rows: fewer loads and stores of `carry`.
  for (; i - 1 >= l; i -= 2) {
    const c1 = cs[i]!;
    const s1 = sn[i]!;
    const c2 = cs[i - 1]!;
    const s2 = sn[i - 1]!;
    const upper = (i - 1) * n;
    const row = upper + n;
    const below = row + n;
    for (let k = 0; k < n; k++) {
      const h = carry[k]!;
      const v = w[row + k]!;
      w[below + k] = s1 * v + c1 * h;
      const h2 = c1 * v - s1 * h;
      const u = w[upper + k]!;
      w[row + k] = s2 * u + c2 * h2;
      carry[k] = c2 * u - s2 * h2;
    }
  }
  for (; i >= l; i--) {
    const c = cs[i]!;
    const s = sn[i]!;
    const row = i * n;
    const below = row + n;
    for (let k = 0; k < n; k++) {
      const h = carry[k]!;
      const v = w[row + k]!;
      w[below + k] = s * v + c * h;
      carry[k] = c * v - s * h;
    }
  }
  w.set(carry, l * n);
}
