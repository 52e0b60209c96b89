/** The `cuda` backend: cuBLAS SYRK/GEMM and cuSOLVER's divide-and-conquer eigensolver. */
import { ErrorCodes, FeaturewiseError, type LinearAlgebra } from "@featurewise/core";
import { checkDim, checkFiniteLower, checkLength } from "../check-args.js";
import { toDescendingRows, type EighResult } from "../eigen-order.js";
import { callAsync } from "../koffi-runtime.js";
import type { LibraryPathOverrides } from "../library-paths.js";
import { addLowerFromFloat32, scaleLower } from "../lower-triangle.js";
import { nativeFailure } from "../native-status.js";
import { DEFAULT_PRECISION, type NativeBackendOptions, type Precision } from "../precision.js";
import { SerialQueue } from "../serial-queue.js";
import { loadCuda, type CudaBindings } from "./cuda-bindings.js";
import { checkCublas, checkCuda, checkCusolver } from "./cuda-status.js";
import { DeviceBuffer, MemcpyKind } from "./device-buffer.js";

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
  readonly precision: Precision;
  private readonly queue = new SerialQueue();
  private readonly bufA: DeviceBuffer;
  private readonly bufB: DeviceBuffer;
  private readonly bufC: DeviceBuffer;
  private readonly bufW: DeviceBuffer;
  private readonly bufWork: DeviceBuffer;
  private readonly bufInfo: DeviceBuffer;
  private cublas: bigint | null;
  private cusolver: bigint | null;
  private batch32 = new Float32Array(0);
  private update32 = new Float32Array(0);

  /** Use {@link CudaLinearAlgebra.load}, which finds the libraries. */
  constructor(
    private readonly cuda: CudaBindings,
    options: NativeBackendOptions = {},
  ) {
    this.precision = options.precision ?? DEFAULT_PRECISION;
    const handle: unknown[] = [null];
    checkCublas(cuda.fn.cublasCreate(handle), "cublasCreate_v2");
    this.cublas = BigInt(handle[0] as bigint);
    checkCusolver(cuda.fn.cusolverDnCreate(handle), "cusolverDnCreate");
    this.cusolver = BigInt(handle[0] as bigint);
    this.bufA = new DeviceBuffer(cuda, "batch (A)");
    this.bufB = new DeviceBuffer(cuda, "GEMM operand (B)");
    this.bufC = new DeviceBuffer(cuda, "result matrix (C)");
    this.bufW = new DeviceBuffer(cuda, "eigenvalues");
    this.bufWork = new DeviceBuffer(cuda, "cuSOLVER workspace");
    this.bufInfo = new DeviceBuffer(cuda, "devInfo");
  }

  /**
   * Loads the CUDA runtime, cuBLAS and cuSOLVER and creates their handles.
   * @throws FeaturewiseError BACKEND_UNAVAILABLE when a library or a device is missing
   */
  static load(
    overrides: LibraryPathOverrides,
    options: NativeBackendOptions = {},
  ): CudaLinearAlgebra {
    return new CudaLinearAlgebra(loadCuda(overrides), options);
  }

  /** Where the libraries were loaded from, for the backend-selection reason. */
  get description(): string {
    const v = this.cuda.runtimeVersion;
    const f32 = this.precision === "float32" ? ", float32 SYRK" : "";
    return `${this.cuda.paths.cudart} (CUDA ${Math.floor(v / 1000)}.${(v % 1000) / 10}, ${this.cuda.deviceCount} device(s)${f32})`;
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
    checkDim("k", k);
    checkDim("n", n);
    checkLength("a", a, k * n, false);
    checkLength("c", c, n * n, true);
    if (beta === 0) scaleLower(c, n, 0);
    if (n === 0 || k === 0 || alpha === 0) {
      scaleLower(c, n, beta);
      return;
    }
    await this.queue.run(async () => {
      const handle = this.handle("cublas");
      if (this.precision === "float64") {
        const dA = this.bufA.ensure(k * n * 8);
        const dC = this.bufC.ensure(n * n * 8);
        await this.upload(dA, a, k * n * 8, "batch");
        await this.upload(dC, c, n * n * 8, "C");
        const status = this.cuda.fn.cublasDsyrk(
          handle,
          FILL_UPPER,
          OP_N,
          n,
          k,
          Float64Array.of(alpha),
          dA,
          n,
          Float64Array.of(beta),
          dC,
          n,
        );
        checkCublas(status, `cublasDsyrk_v2 (n = ${n}, k = ${k})`);
        await this.download(c, dC, n * n * 8, "C");
        return;
      }
      if (this.batch32.length < k * n) this.batch32 = new Float32Array(k * n);
      if (this.update32.length !== n * n) this.update32 = new Float32Array(n * n);
      this.batch32.set(a.subarray(0, k * n));
      const dA = this.bufA.ensure(k * n * 4);
      const dC = this.bufC.ensure(n * n * 4);
      await this.upload(dA, this.batch32, k * n * 4, "batch");
      const status = this.cuda.fn.cublasSsyrk(
        handle,
        FILL_UPPER,
        OP_N,
        n,
        k,
        Float32Array.of(1),
        dA,
        n,
        Float32Array.of(0),
        dC,
        n,
      );
      checkCublas(status, `cublasSsyrk_v2 (n = ${n}, k = ${k})`);
      await this.download(this.update32, dC, n * n * 4, "C");
      addLowerFromFloat32(c, this.update32, n, alpha, beta);
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
    checkDim("m", m);
    checkDim("k", k);
    checkDim("n", n);
    checkLength("a", a, m * k, false);
    checkLength("b", b, k * n, false);
    const c = new Float64Array(m * n);
    if (m === 0 || n === 0 || k === 0) return c;
    await this.queue.run(async () => {
      const handle = this.handle("cublas");
      const dA = this.bufA.ensure(m * k * 8);
      const dB = this.bufB.ensure(k * n * 8);
      const dC = this.bufC.ensure(m * n * 8);
      await this.upload(dA, a, m * k * 8, "A");
      await this.upload(dB, b, k * n * 8, "B");
      const status = this.cuda.fn.cublasDgemm(
        handle,
        OP_N,
        OP_N,
        n,
        m,
        k,
        Float64Array.of(1),
        dB,
        n,
        dA,
        k,
        Float64Array.of(0),
        dC,
        n,
      );
      checkCublas(status, `cublasDgemm_v2 (m = ${m}, k = ${k}, n = ${n})`);
      await this.download(c, dC, m * n * 8, "C");
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
    await this.queue.run(async () => {
      const handle = this.handle("cusolver");
      const fn = this.cuda.fn;
      const dA = this.bufC.ensure(n * n * 8);
      const dW = this.bufW.ensure(n * 8);
      const dInfo = this.bufInfo.ensure(4);
      await this.upload(dA, a, n * n * 8, "matrix");
      const lwork = [0];
      checkCusolver(
        fn.cusolverDnDsyevdBufferSize(handle, EIG_MODE_VECTOR, FILL_UPPER, n, dA, n, dW, lwork),
        `cusolverDnDsyevd_bufferSize (n = ${n})`,
      );
      const dWork = this.bufWork.ensure(Math.max(lwork[0]!, 1) * 8);
      const status = await callAsync(
        fn.cusolverDnDsyevd,
        handle,
        EIG_MODE_VECTOR,
        FILL_UPPER,
        n,
        dA,
        n,
        dW,
        dWork,
        lwork[0],
        dInfo,
      );
      checkCusolver(status, `cusolverDnDsyevd (n = ${n})`);
      const info = new Int32Array(1);
      await this.download(info, dInfo, 4, "devInfo");
      if (info[0] !== 0) {
        const why =
          info[0]! < 0
            ? `argument ${-info[0]!} was illegal`
            : `${info[0]} off-diagonal elements did not converge`;
        throw nativeFailure(`cusolverDnDsyevd (n = ${n})`, `devInfo = ${info[0]}: ${why}`);
      }
      await this.download(vectors, dA, n * n * 8, "eigenvectors");
      await this.download(values, dW, n * 8, "eigenvalues");
    });
    return toDescendingRows(values, vectors, n);
  }

  /** Frees the device buffers and destroys the cuBLAS and cuSOLVER handles; later calls throw. */
  dispose(): void {
    for (const b of [this.bufA, this.bufB, this.bufC, this.bufW, this.bufWork, this.bufInfo])
      b.free();
    if (this.cublas !== null)
      checkCublas(this.cuda.fn.cublasDestroy(this.cublas), "cublasDestroy_v2");
    if (this.cusolver !== null)
      checkCusolver(this.cuda.fn.cusolverDnDestroy(this.cusolver), "cusolverDnDestroy");
    this.cublas = null;
    this.cusolver = null;
  }

  private handle(which: "cublas" | "cusolver"): bigint {
    const h = which === "cublas" ? this.cublas : this.cusolver;
    if (h === null)
      throw new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, "the cuda backend was disposed");
    return h;
  }

  private async upload(
    device: bigint,
    host: ArrayBufferView,
    bytes: number,
    what: string,
  ): Promise<void> {
    const status = await callAsync(
      this.cuda.fn.cudaMemcpy,
      device,
      host,
      bytes,
      MemcpyKind.HostToDevice,
    );
    checkCuda(status, `cudaMemcpy of the ${what} to the GPU (${bytes} bytes)`, this.cuda.errorName);
  }

  private async download(
    host: ArrayBufferView,
    device: bigint,
    bytes: number,
    what: string,
  ): Promise<void> {
    const status = await callAsync(
      this.cuda.fn.cudaMemcpy,
      host,
      device,
      bytes,
      MemcpyKind.DeviceToHost,
    );
    checkCuda(
      status,
      `cudaMemcpy of the ${what} from the GPU (${bytes} bytes)`,
      this.cuda.errorName,
    );
  }
}
