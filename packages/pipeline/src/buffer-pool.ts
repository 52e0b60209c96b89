/**
 * Float64 buffers handed back by finished shards for the next ones: a
 * shard's D×D accumulator is 75 MB at D=3072, and fresh memory costs a page
 * fault per page on first touch (~0.25 s per such buffer on the dev VM),
 * where zeroing a reused one takes a few ms.
 */
export class BufferPool {
  private readonly free: Float64Array[] = [];

  /** @param keep - buffers held at most */
  constructor(private readonly keep = 2) {}

  /** A zeroed buffer of `length` values, reused when one of that length is free. */
  take(length: number): Float64Array {
    const i = this.free.findIndex((b) => b.length === length);
    if (i < 0) return new Float64Array(length);
    const [buffer] = this.free.splice(i, 1);
    return buffer!.fill(0);
  }

  /** Hands a buffer back; its contents may be overwritten from now on. */
  give(buffer: Float64Array): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}
