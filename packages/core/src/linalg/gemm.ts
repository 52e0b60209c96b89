/** General matrix product in plain TypeScript, i-k-j loop order (contiguous inner loop). */
import { checkDim, checkLength } from "./check-args.js";

/**
 * C := A·B.
 * @param a - m×k row-major (at least m·k values; the first m·k are used)
 * @param b - k×n row-major (at least k·n values; the first k·n are used)
 * @returns m×n row-major
 * @throws FeaturewiseError INVALID_ARGUMENT on bad dimensions or lengths
 */
export function gemmRowMajor(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
): Float64Array {
  checkDim("m", m);
  checkDim("k", k);
  checkDim("n", n);
  checkLength("a", a, m * k, false);
  checkLength("b", b, k * n, false);
  const c = new Float64Array(m * n);
  // Columns are processed in panels so that one row of C stays in L1 cache
  // while the matching panel of B streams through.
  const JB = 512;
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      const ai = i * k;
      for (let p = 0; p < k; p++) {
        const aip = a[ai + p]!;
        const bp = p * n;
        for (let j = j0; j < j1; j++) c[ci + j]! += aip * b[bp + j]!;
      }
    }
  }
  return c;
}
