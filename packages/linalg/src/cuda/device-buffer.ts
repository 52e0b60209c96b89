/** A device allocation that is reused across calls and grows when a larger one is needed. */
import type { CudaBindings } from "./cuda-bindings.js";
import { checkCuda } from "./cuda-status.js";

/** cudaMemcpyKind values. */
export const MemcpyKind = { HostToDevice: 1, DeviceToHost: 2 } as const;

/** One growable device buffer; {@link DeviceBuffer.free} releases it. */
export class DeviceBuffer {
  private ptr: bigint | null = null;
  private capacity = 0;

  constructor(
    private readonly cuda: CudaBindings,
    /** Shown in error messages, e.g. "batch". */
    private readonly label: string,
  ) {}

  /**
   * A device pointer to at least `bytes` bytes (contents undefined after growth).
   * @throws FeaturewiseError BACKEND_UNAVAILABLE when cudaMalloc fails (out of GPU memory)
   */
  ensure(bytes: number): bigint {
    if (this.ptr !== null && this.capacity >= bytes) return this.ptr;
    this.free();
    const out: unknown[] = [null];
    checkCuda(
      this.cuda.fn.cudaMalloc(out, Math.max(bytes, 1)),
      `cudaMalloc of ${bytes} bytes for the ${this.label}`,
      this.cuda.errorName,
    );
    this.ptr = BigInt(out[0] as bigint);
    this.capacity = bytes;
    return this.ptr;
  }

  /** Frees the allocation (no-op when none is held). */
  free(): void {
    if (this.ptr === null) return;
    const p = this.ptr;
    this.ptr = null;
    this.capacity = 0;
    checkCuda(this.cuda.fn.cudaFree(p), `cudaFree of the ${this.label}`, this.cuda.errorName);
  }
}
