/**
 * How many batches may be in the model at once, bounded by count and by
 * bytes, shared by every shard of a run. The count keeps each session busy
 * (one batch per session); the bytes keep big images from multiplying
 * memory: at 224x224x3 a batch of 64 is 38.5 MB of float32, and each one in
 * flight also holds a session's activations for it. A batch larger than the
 * whole bound still runs, alone.
 */
export class BatchGate {
  private batches = 0;
  private bytes = 0;
  /** Waiting batches, first come first served (so shards finish in order). */
  private readonly waiting: Array<{ bytes: number; go: () => void }> = [];

  /**
   * @param maxBatches - batches in flight at most (the model's concurrency)
   * @param maxBytes - bytes of input tensors in flight at most
   */
  constructor(
    readonly maxBatches: number,
    readonly maxBytes: number,
  ) {}

  /** Resolves once a batch of `bytes` may enter; call {@link leave} with the same bytes after. */
  enter(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.admit(bytes);
      return Promise.resolve();
    }
    return new Promise((go) => this.waiting.push({ bytes, go }));
  }

  /** A batch of `bytes` left the model: lets the next ones in. */
  leave(bytes: number): void {
    this.batches--;
    this.bytes -= bytes;
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.admit(next.bytes);
      next.go();
    }
  }

  private fits(bytes: number): boolean {
    if (this.batches === 0) return true;
    return this.batches < this.maxBatches && this.bytes + bytes <= this.maxBytes;
  }

  private admit(bytes: number): void {
    this.batches++;
    this.bytes += bytes;
  }
}
