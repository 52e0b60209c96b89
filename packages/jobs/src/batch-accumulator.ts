import {
  accumulateBatch,
  accumulateSums,
  addImageSums,
  createMoments,
  flatSize,
  writeImageRow,
  type DataFormat,
  type ImageShape,
  type LinearAlgebra,
  type Moments,
  type MomentsKind,
} from "@featurewise/core";

/**
 * Collects decoded images into batches and folds each full batch into
 * moments: "full" moments through a float64 batch and SYRK, "diagonal"
 * (mean/std) moments through exact per-position sums of the 8-bit values.
 */
export class BatchAccumulator {
  readonly moments: Moments;
  private readonly dim: number;
  private readonly rowsBuffer: Float64Array | null;
  private readonly sum: Float64Array | null;
  private readonly sumSquares: Float64Array | null;
  private rows = 0;

  constructor(
    kind: MomentsKind,
    private readonly shape: ImageShape,
    private readonly format: DataFormat,
    private readonly la: LinearAlgebra,
    private readonly batchSize = 256,
  ) {
    this.dim = flatSize(shape);
    this.moments = createMoments(kind, this.dim);
    const full = kind === "full";
    this.rowsBuffer = full ? new Float64Array(batchSize * this.dim) : null;
    this.sum = full ? null : new Float64Array(this.dim);
    this.sumSquares = full ? null : new Float64Array(this.dim);
  }

  /** Adds one HWC uint8 image of the accumulator's shape. */
  async add(hwc: Uint8Array): Promise<void> {
    if (this.rowsBuffer !== null) {
      writeImageRow(hwc, this.shape, this.format, this.rowsBuffer, this.rows * this.dim);
    } else {
      addImageSums(hwc, this.shape, this.format, this.sum!, this.sumSquares!);
    }
    if (++this.rows === this.batchSize) await this.flush();
  }

  /** Folds the images added since the last full batch into the moments. */
  async flush(): Promise<void> {
    if (this.rows === 0) return;
    if (this.rowsBuffer !== null) {
      await accumulateBatch(this.moments, this.rowsBuffer, this.rows, this.la);
    } else {
      accumulateSums(this.moments, this.rows, this.sum!, this.sumSquares!);
      this.sum!.fill(0);
      this.sumSquares!.fill(0);
    }
    this.rows = 0;
  }
}
