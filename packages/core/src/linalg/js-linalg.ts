/** The pure-TypeScript reference backend. */
import { gemmRowMajor } from "./gemm.js";
import type { LinearAlgebra } from "./linear-algebra.js";
import { symmetricEigen } from "./symmetric-eigen.js";
import { syrkLower } from "./syrk.js";

/**
 * {@link LinearAlgebra} in plain TypeScript, running inline on the calling
 * thread. Slow for large n but dependency-free and accurate: it is the
 * reference the native and GPU backends are tested against.
 */
export class JsLinearAlgebra implements LinearAlgebra {
  readonly name = "js";

  /** See {@link LinearAlgebra.syrk}; `a` may be longer than k·n (the first k·n values are used). */
  syrk(
    a: Float64Array,
    k: number,
    n: number,
    c: Float64Array,
    alpha: number,
    beta: number,
  ): Promise<void> {
    return run(() => syrkLower(a, k, n, c, alpha, beta));
  }

  /** See {@link LinearAlgebra.gemm}. */
  gemm(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Promise<Float64Array> {
    return run(() => gemmRowMajor(a, b, m, k, n));
  }

  /** See {@link LinearAlgebra.eigh} and {@link symmetricEigen} (tred2 + tql2). */
  eigh(a: Float64Array, n: number): Promise<{ values: Float64Array; vectors: Float64Array }> {
    return run(() => symmetricEigen(a, n));
  }
}

/** Runs synchronously, turning a throw into a rejected promise. */
function run<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err as Error);
  }
}
