/** Loops over the lower triangle (i >= j) of n×n row-major matrices. */

/** c := beta·c on the lower triangle; beta = 0 clears it (NaN included), as the js backend does. */
export function scaleLower(c: Float64Array, n: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    if (beta === 0) c.fill(0, row, row + i + 1);
    else for (let j = row; j <= row + i; j++) c[j]! *= beta;
  }
}

/** c += alpha·update on the lower triangle: a float32 SYRK result added in float64. */
export function addLowerFromFloat32(
  c: Float64Array,
  update: Float32Array,
  n: number,
  alpha = 1,
): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    if (alpha === 1) for (let j = row; j <= row + i; j++) c[j]! += update[j]!;
    else for (let j = row; j <= row + i; j++) c[j]! += alpha * update[j]!;
  }
}
