/**
 * What a `cuda` backend instance holds on the device: the cuBLAS and
 * cuSOLVER handles, the growable buffers, and checked host↔device copies.
 */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { callAsync } from "../koffi-runtime.js";
import type { CudaBindings } from "./cuda-bindings.js";
import { checkCublas, checkCuda, checkCusolver } from "./cuda-status.js";
import { DeviceBuffer, MemcpyKind } from "./device-buffer.js";

/** Handles and buffers of one backend instance; {@link CudaContext.dispose} frees them all. */
export class CudaContext {
  /** The SYRK batch, the first GEMM operand. */
  readonly a: DeviceBuffer;
  /** The second GEMM operand. */
  readonly b: DeviceBuffer;
  /** The SYRK accumulator, the GEMM result, the eigh matrix (then its eigenvectors). */
  readonly c: DeviceBuffer;
  readonly eigenvalues: DeviceBuffer;
  readonly workspace: DeviceBuffer;
  readonly info: DeviceBuffer;
  private cublasHandle: bigint | null;
  private cusolverHandle: bigint | null;

  /** @throws FeaturewiseError BACKEND_UNAVAILABLE when a handle cannot be created */
  constructor(readonly cuda: CudaBindings) {
    const handle: unknown[] = [null];
    checkCublas(cuda.fn.cublasCreate(handle), "cublasCreate_v2");
    this.cublasHandle = BigInt(handle[0] as bigint);
    try {
      checkCusolver(cuda.fn.cusolverDnCreate(handle), "cusolverDnCreate");
    } catch (err) {
      cuda.fn.cublasDestroy(this.cublasHandle);
      throw err;
    }
    this.cusolverHandle = BigInt(handle[0] as bigint);
    this.a = new DeviceBuffer(cuda, "batch (A)");
    this.b = new DeviceBuffer(cuda, "GEMM operand (B)");
    this.c = new DeviceBuffer(cuda, "result matrix (C)");
    this.eigenvalues = new DeviceBuffer(cuda, "eigenvalues");
    this.workspace = new DeviceBuffer(cuda, "cuSOLVER workspace");
    this.info = new DeviceBuffer(cuda, "devInfo");
  }

  /** The cuBLAS handle. @throws FeaturewiseError INVALID_ARGUMENT after {@link dispose} */
  get cublas(): bigint {
    return this.live(this.cublasHandle);
  }

  /** The cuSOLVER handle. @throws FeaturewiseError INVALID_ARGUMENT after {@link dispose} */
  get cusolver(): bigint {
    return this.live(this.cusolverHandle);
  }

  /** Copies `bytes` bytes from the host array to the device (on a koffi worker thread). */
  async upload(device: bigint, host: ArrayBufferView, bytes: number, what: string): Promise<void> {
    const { fn, errorName } = this.cuda;
    const status = await callAsync(fn.cudaMemcpy, device, host, bytes, MemcpyKind.HostToDevice);
    checkCuda(status, `cudaMemcpy of the ${what} to the GPU (${bytes} bytes)`, errorName);
  }

  /**
   * Copies `bytes` bytes from the device into the host array. Also reports a
   * failure of the kernels queued before it (the copy waits for them).
   */
  async download(
    host: ArrayBufferView,
    device: bigint,
    bytes: number,
    what: string,
  ): Promise<void> {
    const { fn, errorName } = this.cuda;
    const status = await callAsync(fn.cudaMemcpy, host, device, bytes, MemcpyKind.DeviceToHost);
    checkCuda(status, `cudaMemcpy of the ${what} from the GPU (${bytes} bytes)`, errorName);
  }

  /** Frees the buffers and destroys the handles; later use throws. */
  dispose(): void {
    for (const b of [this.a, this.b, this.c, this.eigenvalues, this.workspace, this.info]) b.free();
    const { fn } = this.cuda;
    if (this.cublasHandle !== null)
      checkCublas(fn.cublasDestroy(this.cublasHandle), "cublasDestroy_v2");
    if (this.cusolverHandle !== null)
      checkCusolver(fn.cusolverDnDestroy(this.cusolverHandle), "cusolverDnDestroy");
    this.cublasHandle = null;
    this.cusolverHandle = null;
  }

  private live(handle: bigint | null): bigint {
    if (handle === null) {
      throw new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, "the cuda backend was disposed");
    }
    return handle;
  }
}
