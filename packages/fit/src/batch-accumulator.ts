import {
  addImageSums,
  flatSize,
  momentsFromSums,
  PIXEL_SYRK_MAX_ROWS,
  writeImageRow,
  type DataFormat,
  type ImageShape,
  type LinearAlgebra,
  type Moments,
  type MomentsKind,
} from "@featurewise/core";
import type { BufferPool } from "@featurewise/pipeline";

/**
 * Sums a shard's 8-bit images exactly and turns the sums into moments once,
 * at the end ({@link momentsFromSums}): Σx and Σx² image by image for
 * "diagonal" (mean/std) moments; for "full" moments Σx, and Σxxᵀ by SYRK of
 * raw float64 batches (sums of 8-bit products are integers, which float64
 * adds exactly in any order, so no centring is needed for accuracy).
 */
export class BatchAccumulator {
  private readonly dim: number;
  private readonly sum: Float64Array;
  /** Σxxᵀ (lower triangle) for "full", Σx² for "diagonal". */
  private readonly products: Float64Array;
  /** The pending SYRK batch ("full" only). */
  private readonly rowsBuffer: Float64Array | null;
  private rows = 0;
  private n = 0;

  constructor(
    private readonly kind: MomentsKind,
    private readonly shape: ImageShape,
    private readonly format: DataFormat,
    private readonly la: LinearAlgebra,
    private readonly batchSize = 256,
    private readonly buffers?: BufferPool,
  ) {
    this.dim = flatSize(shape);
    const full = kind === "full";
    this.sum = new Float64Array(this.dim);
    const zeros = (length: number) => buffers?.take(length) ?? new Float64Array(length);
    this.products = zeros(full ? this.dim * this.dim : this.dim);
    this.rowsBuffer = full ? zeros(batchSize * this.dim) : null;
  }

  /** Adds one HWC uint8 image of the accumulator's shape. */
  async add(hwc: Uint8Array): Promise<void> {
    this.n++;
    if (this.rowsBuffer === null) {
      addImageSums(hwc, this.shape, this.format, this.sum, this.products);
      return;
    }
    writeImageRow(hwc, this.shape, this.format, this.rowsBuffer, this.rows * this.dim);
    if (++this.rows === this.batchSize) await this.flush();
  }

  /**
   * The moments of every image added. Call once, at the end: the
   * accumulator's buffers become the result's.
   */
  async moments(): Promise<Moments> {
    await this.flush();
    if (this.rowsBuffer !== null) this.buffers?.give(this.rowsBuffer);
    return momentsFromSums(this.kind, this.dim, this.n, this.sum, this.products);
  }

  /** Folds the pending batch into Σx and Σxxᵀ. */
  private async flush(): Promise<void> {
    if (this.rows === 0 || this.rowsBuffer === null) return;
    const { dim, rows, rowsBuffer, sum } = this;
    for (let r = 0; r < rows; r++) {
      const off = r * dim;
      for (let j = 0; j < dim; j++) sum[j]! += rowsBuffer[off + j]!;
    }
    // Exact either way; the pixel path may use float32 (faster), for batches it can take.
    if (this.la.syrkPixels !== undefined && rows <= PIXEL_SYRK_MAX_ROWS) {
      await this.la.syrkPixels(rowsBuffer, rows, dim, this.products);
    } else {
      await this.la.syrk(rowsBuffer, rows, dim, this.products, 1, 1);
    }
    this.rows = 0;
  }
}
