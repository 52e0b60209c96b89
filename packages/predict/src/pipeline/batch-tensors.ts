/**
 * Float32 batch buffers handed back once the model has read them, for the
 * next batches. A fresh 786 KB buffer per batch (64 x 32x32x3) cost a page
 * fault per page on first touch and a free on the session's thread (another
 * malloc arena), and kept V8's GC threads busy; a few reused ones cost none
 * of that.
 */
export class BatchTensors {
  private readonly free: Float32Array[] = [];

  /**
   * @param length - values a buffer holds (a full batch)
   * @param keep - buffers held at most
   */
  constructor(
    readonly length: number,
    private readonly keep: number,
  ) {}

  /** A buffer of {@link length} values (its contents are stale: write every value used). */
  take(): Float32Array {
    return this.free.pop() ?? new Float32Array(this.length);
  }

  /** Hands a buffer back (one of another length, or one too many, is dropped). */
  give(buffer: Float32Array): void {
    if (buffer.length === this.length && this.free.length < this.keep) this.free.push(buffer);
  }
}
