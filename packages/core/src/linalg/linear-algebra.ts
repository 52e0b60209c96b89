/**
 * The small linear-algebra interface every compute backend implements.
 * All matrices are dense, row-major, float64 unless stated.
 * Methods are async so that a backend may run on a thread pool or a GPU
 * without blocking the event loop; the pure-TypeScript reference runs inline.
 */
/** Most rows of one {@link LinearAlgebra.syrkPixels} call: 256·255² < 2²⁴ (float32's exact integers). */
export const PIXEL_SYRK_MAX_ROWS = 256;

export interface LinearAlgebra {
  /** Backend name as shown to users: "js", "openblas", "cuda", "tfjs". */
  readonly name: string;

  /**
   * Symmetric rank-k update of the lower triangle:
   * C[i][j] := alpha * (Aᵀ A)[i][j] + beta * C[i][j] for i >= j.
   * @param a - k×n row-major (k rows of n values: a batch of k images of n values each)
   * @param c - n×n row-major; only the lower triangle (i >= j) is read and written
   */
  syrk(
    a: Float64Array,
    k: number,
    n: number,
    c: Float64Array,
    alpha: number,
    beta: number,
  ): Promise<void>;

  /**
   * Optional fast path of {@link syrk} with alpha = beta = 1 for batches of
   * 8-bit pixel values (integers 0–255) of at most {@link PIXEL_SYRK_MAX_ROWS}
   * rows. Every partial sum of such products is an integer below 2²⁴, so a
   * float32 SYRK is exact: the result equals the float64 one bit for bit.
   * @param a - k×n row-major, integers 0–255
   * @param c - n×n row-major; C += AᵀA on the lower triangle
   */
  syrkPixels?(a: Float64Array, k: number, n: number, c: Float64Array): Promise<void>;

  /**
   * General matrix product C := A · B.
   * @param a - m×k row-major
   * @param b - k×n row-major
   * @returns m×n row-major
   */
  gemm(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Promise<Float64Array>;

  /**
   * Eigen-decomposition of a symmetric matrix (only the lower triangle is read).
   * @param a - n×n row-major; not modified
   * @returns eigenvalues in descending order, and the matching unit eigenvectors
   *   as the rows of an n×n row-major matrix (row i belongs to values[i])
   */
  eigh(a: Float64Array, n: number): Promise<{ values: Float64Array; vectors: Float64Array }>;
}
