/** The `cuda` backend: cuBLAS SYRK/GEMM and cuSOLVER's divide-and-conquer eigensolver. */
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
import { nativeFailure } from "../native-status.js";
import { SerialQueue } from "../serial-queue.js";
import { loadCuda, type CudaBindings } from "./cuda-bindings.js";
import { CudaContext } from "./cuda-context.js";
import { checkCublas, checkCusolver } from "./cuda-status.js";

/** cublasFillMode_t / cublasOperation_t / cusolverEigMode_t values. */
const FILL_UPPER = 1;
const OP_N = 0;
const EIG_MODE_VECTOR = 1;

/**
 * {@link LinearAlgebra} on an NVIDIA GPU (device 0) through koffi.
 *
 * cuBLAS and cuSOLVER are column-major: the row-major k×n batch is the
 * column-major n×k matrix Aᵀ (lda = n), so SYRK with CUBLAS_OP_N gives AᵀA,
 * and the row-major LOWER triangle of C is the column-major UPPER triangle.
 * Device buffers are kept per instance and grow as needed; {@link dispose}
 * frees them. Each call copies its host inputs to the device and its result
 * back (the accumulator C makes a round trip per SYRK, since the interface
 * keeps it on the host). Calls run one at a time, on koffi's worker threads.
 */
export class CudaLinearAlgebra implements LinearAlgebra {
  readonly name = "cuda";
  private readonly queue = new SerialQueue();
  private readonly ctx: CudaContext;
  private batch32 = new Float32Array(0);
  private update32 = new Float32Array(0);

  /** Use {@link CudaLinearAlgebra.load}, which finds the libraries. */
  constructor(private readonly cuda: CudaBindings) {
    this.ctx = new CudaContext(cuda);
  }

  /**
   * Loads the CUDA runtime, cuBLAS and cuSOLVER and creates their handles.
   * @throws FeaturewiseError BACKEND_UNAVAILABLE when a library or a device is missing
   */
  static load(overrides: LibraryPathOverrides): CudaLinearAlgebra {
    return new CudaLinearAlgebra(loadCuda(overrides));
  }

  /** Where the libraries were loaded from, for the backend-selection reason. */
  get description(): string {
    const v = this.cuda.runtimeVersion;
    const version = `CUDA ${Math.floor(v / 1000)}.${(v % 1000) / 10}`;
    return `${this.cuda.paths.cudart} (${version}, ${this.cuda.deviceCount} device(s))`;
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
    if (beta === 0) scaleLower(c, n, 0);
    if (n === 0 || k === 0 || alpha === 0) {
      scaleLower(c, n, beta);
      return;
    }
    const { ctx } = this;
    const fn = this.cuda.fn;
    const what = `(n = ${n}, k = ${k})`;
    await this.queue.run(async () => {
      const dA = ctx.a.ensure(k * n * 8);
      const dC = ctx.c.ensure(n * n * 8);
      await ctx.upload(dA, a, k * n * 8, "batch");
      await ctx.upload(dC, c, n * n * 8, "C");
      const al = Float64Array.of(alpha);
      const be = Float64Array.of(beta);
      const status = fn.cublasDsyrk(ctx.cublas, FILL_UPPER, OP_N, n, k, al, dA, n, be, dC, n);
      checkCublas(status, `cublasDsyrk_v2 ${what}`);
      await ctx.download(c, dC, n * n * 8, "C");
    });
  }

  /**
   * See {@link LinearAlgebra.syrkPixels}: cublasSsyrk of the batch in float32
   * (exact for such batches), added into C in float64 on the host.
   */
  async syrkPixels(a: Float64Array, k: number, n: number, c: Float64Array): Promise<void> {
    checkPixelSyrkArgs(a, k, n, c);
    if (n === 0 || k === 0) return;
    const { ctx } = this;
    const fn = this.cuda.fn;
    await this.queue.run(async () => {
      if (this.batch32.length < k * n) this.batch32 = new Float32Array(k * n);
      if (this.update32.length !== n * n) this.update32 = new Float32Array(n * n);
      this.batch32.set(a.subarray(0, k * n));
      const dA = ctx.a.ensure(k * n * 4);
      const dC = ctx.c.ensure(n * n * 4);
      await ctx.upload(dA, this.batch32, k * n * 4, "batch");
      const one = Float32Array.of(1);
      const zero = Float32Array.of(0);
      const status = fn.cublasSsyrk(ctx.cublas, FILL_UPPER, OP_N, n, k, one, dA, n, zero, dC, n);
      checkCublas(status, `cublasSsyrk_v2 (n = ${n}, k = ${k})`);
      await ctx.download(this.update32, dC, n * n * 4, "C");
      addLowerFromFloat32(c, this.update32, n);
    });
  }

  /** See {@link LinearAlgebra.gemm}: row-major C = A·B computed as column-major Cᵀ = Bᵀ·Aᵀ. */
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
    const { ctx } = this;
    await this.queue.run(async () => {
      const dA = ctx.a.ensure(m * k * 8);
      const dB = ctx.b.ensure(k * n * 8);
      const dC = ctx.c.ensure(m * n * 8);
      await ctx.upload(dA, a, m * k * 8, "A");
      await ctx.upload(dB, b, k * n * 8, "B");
      const one = Float64Array.of(1);
      const zero = Float64Array.of(0);
      const status = this.cuda.fn.cublasDgemm(
        ctx.cublas,
        OP_N,
        OP_N,
        n,
        m,
        k,
        one,
        dB,
        n,
        dA,
        k,
        zero,
        dC,
        n,
      );
      checkCublas(status, `cublasDgemm_v2 (m = ${m}, k = ${k}, n = ${n})`);
      await ctx.download(c, dC, m * n * 8, "C");
    });
    return c;
  }

  /** See {@link LinearAlgebra.eigh}: cusolverDnDsyevd on the column-major upper triangle (= row-major lower). */
  async eigh(a: Float64Array, n: number): Promise<EighResult> {
    checkDim("n", n);
    checkLength("a", a, n * n, true);
    checkFiniteLower(a, n);
    const vectors = new Float64Array(n * n);
    const values = new Float64Array(n);
    if (n === 0) return { values, vectors };
    const { ctx } = this;
    const fn = this.cuda.fn;
    const what = `cusolverDnDsyevd (n = ${n})`;
    await this.queue.run(async () => {
      const h = ctx.cusolver;
      const dA = ctx.c.ensure(n * n * 8);
      const dW = ctx.eigenvalues.ensure(n * 8);
      const dInfo = ctx.info.ensure(4);
      await ctx.upload(dA, a, n * n * 8, "matrix");
      const lwork = [0];
      checkCusolver(
        fn.cusolverDnDsyevdBufferSize(h, EIG_MODE_VECTOR, FILL_UPPER, n, dA, n, dW, lwork),
        `cusolverDnDsyevd_bufferSize (n = ${n})`,
      );
      const size = lwork[0]!;
      const dWork = ctx.workspace.ensure(Math.max(size, 1) * 8);
      const status = await callAsync(
        fn.cusolverDnDsyevd,
        ...[h, EIG_MODE_VECTOR, FILL_UPPER, n, dA, n, dW, dWork, size, dInfo],
      );
      checkCusolver(status, what);
      const info = new Int32Array(1);
      await ctx.download(info, dInfo, 4, "devInfo");
      const code = info[0]!;
      if (code !== 0) {
        const why = code < 0 ? `argument ${-code} was illegal` : `${code} values did not converge`;
        throw nativeFailure(what, `devInfo = ${code}: ${why}`);
      }
      await ctx.download(vectors, dA, n * n * 8, "eigenvectors");
      await ctx.download(values, dW, n * 8, "eigenvalues");
    });
    return toDescendingRows(values, vectors, n);
  }

  /**
   * Frees the device buffers and destroys the cuBLAS and cuSOLVER handles;
   * later calls throw. Call it once every pending call has settled.
   */
  dispose(): void {
    this.ctx.dispose();
  }
}
