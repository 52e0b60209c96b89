/** The `openblas` backend: OpenBLAS SYRK/GEMM and LAPACKE's divide-and-conquer eigensolver. */
import type { LinearAlgebra } from "@featurewise/core";
import {
  checkDim,
  checkFiniteLower,
  checkGemmArgs,
  checkLength,
  checkPixelSyrkArgs,
  checkSyrkArgs,
} from "../check-args.js";
import { toDescendingRows, type EighResult } from "../eigen-order.js";
import { callAsync } from "../koffi-runtime.js";
import type { LibraryPathOverrides } from "../library-paths.js";
import { addLowerFromFloat32, scaleLower } from "../lower-triangle.js";
import { describeLapackInfo, nativeFailure } from "../native-status.js";
import type { OpenBlasOptions } from "./openblas-options.js";
import { SerialQueue } from "../serial-queue.js";
import { Cblas, loadOpenBlas, type OpenBlasBindings } from "./openblas-bindings.js";

const CHAR_V = "V".charCodeAt(0);
const CHAR_U = "U".charCodeAt(0);

/**
 * {@link LinearAlgebra} on OpenBLAS and LAPACKE through koffi. Every native
 * call runs on koffi's worker threads (the event loop keeps running: image
 * decoding overlaps a long SYRK or eigh), one call at a time per instance.
 * OpenBLAS takes its thread count from OPENBLAS_NUM_THREADS, else uses every core.
 * Inputs must not be modified until the returned promise settles.
 */
export class OpenBlasLinearAlgebra implements LinearAlgebra {
  readonly name = "openblas";
  private readonly queue = new SerialQueue();
  private batch32 = new Float32Array(0);
  private update32 = new Float32Array(0);

  /** Use {@link OpenBlasLinearAlgebra.load}, which finds the libraries. */
  constructor(
    private readonly lib: OpenBlasBindings,
    options: OpenBlasOptions = {},
  ) {
    if (options.threads !== undefined) {
      checkDim("threads", options.threads);
      lib.setThreads(Math.max(1, options.threads));
    }
  }

  /**
   * Loads libopenblas and liblapacke (found as library-paths.ts describes).
   * @throws FeaturewiseError BACKEND_UNAVAILABLE naming the missing library and its Debian package
   */
  static load(
    overrides: LibraryPathOverrides,
    options: OpenBlasOptions = {},
  ): OpenBlasLinearAlgebra {
    return new OpenBlasLinearAlgebra(loadOpenBlas(overrides), options);
  }

  /** Where the libraries were loaded from, for the backend-selection reason. */
  get description(): string {
    const { openblasPath, lapackePath } = this.lib;
    const threads = this.lib.threads();
    const lapacke = lapackePath === openblasPath ? "" : ` + ${lapackePath}`;
    const t = threads === null ? "" : `, ${threads} thread${threads === 1 ? "" : "s"}`;
    return `${openblasPath}${lapacke}${t}`;
  }

  /** See {@link LinearAlgebra.syrk}; `a` may be longer than k·n (the first k·n values are used). */
  async syrk(
    a: Float64Array,
    k: number,
    n: number,
    c: Float64Array,
    alpha: number,
    beta: number,
  ): Promise<void> {
    checkSyrkArgs(a, k, n, c);
    if (beta === 0) scaleLower(c, n, 0); // BLAS may skip reading C then, but NaN must not survive
    if (n === 0 || k === 0 || alpha === 0) {
      scaleLower(c, n, beta);
      return;
    }
    const { RowMajor, Lower, Trans } = Cblas;
    await this.queue.run(() =>
      callAsync(this.lib.dsyrk, RowMajor, Lower, Trans, n, k, alpha, a, n, beta, c, n),
    );
  }

  /**
   * See {@link LinearAlgebra.syrkPixels}: SSYRK of the batch in float32 into
   * scratch (exact for such batches), added into C in float64.
   */
  async syrkPixels(a: Float64Array, k: number, n: number, c: Float64Array): Promise<void> {
    checkPixelSyrkArgs(a, k, n, c);
    if (n === 0 || k === 0) return;
    const { RowMajor, Lower, Trans } = Cblas;
    await this.queue.run(async () => {
      const a32 = this.scratchBatch(k * n);
      a32.set(a.subarray(0, k * n));
      const c32 = this.scratchUpdate(n * n);
      await callAsync(this.lib.ssyrk, RowMajor, Lower, Trans, n, k, 1, a32, n, 0, c32, n);
      addLowerFromFloat32(c, c32, n);
    });
  }

  /** See {@link LinearAlgebra.gemm}. */
  async gemm(
    a: Float64Array,
    b: Float64Array,
    m: number,
    k: number,
    n: number,
  ): Promise<Float64Array> {
    checkGemmArgs(a, b, m, k, n);
    const c = new Float64Array(m * n);
    if (m === 0 || n === 0 || k === 0) return c;
    const { RowMajor, NoTrans } = Cblas;
    await this.queue.run(() =>
      callAsync(this.lib.dgemm, RowMajor, NoTrans, NoTrans, m, n, k, 1, a, k, b, n, 0, c, n),
    );
    return c;
  }

  /**
   * See {@link LinearAlgebra.eigh}: LAPACKE_dsyevd (divide and conquer).
   * The row-major lower triangle is handed over as a column-major upper one,
   * so the eigenvectors come back as rows without a transpose.
   */
  async eigh(a: Float64Array, n: number): Promise<EighResult> {
    checkDim("n", n);
    checkLength("a", a, n * n, true);
    checkFiniteLower(a, n);
    const vectors = a.slice();
    const values = new Float64Array(n);
    if (n === 0) return { values, vectors };
    const info = Number(
      await this.queue.run(() =>
        callAsync(this.lib.dsyevd, Cblas.ColMajor, CHAR_V, CHAR_U, n, vectors, n, values),
      ),
    );
    if (info !== 0) throw nativeFailure(`LAPACKE_dsyevd (n = ${n})`, describeLapackInfo(info));
    return toDescendingRows(values, vectors, n);
  }

  /** Releases the float32 scratch buffers (the libraries stay loaded). */
  dispose(): void {
    this.batch32 = new Float32Array(0);
    this.update32 = new Float32Array(0);
  }

  private scratchBatch(size: number): Float32Array {
    if (this.batch32.length < size) this.batch32 = new Float32Array(size);
    return this.batch32;
  }

  private scratchUpdate(size: number): Float32Array {
    if (this.update32.length !== size) this.update32 = new Float32Array(size);
    return this.update32;
  }
}
