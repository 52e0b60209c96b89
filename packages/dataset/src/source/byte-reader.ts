/**
 * Exact-length reads from a stream of chunks, without copying when a read
 * falls inside one chunk.
 */
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Bytes consumed so far (handed out or skipped). */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /**
   * The next `n` bytes; fewer only when the stream ends first (the caller
   * decides whether that is truncation).
   */
  async read(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const take = Math.min(n, this.buffered);
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first !== undefined && first.length >= take) {
      out = first.subarray(0, take);
      this.dropFront(take);
    } else {
      out = new Uint8Array(take);
      let off = 0;
      while (off < take) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, take - off);
        out.set(c.subarray(0, k), off);
        off += k;
        this.dropFront(k);
      }
    }
    return out;
  }

  /** Skips up to `n` bytes without holding them; returns how many were skipped. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.pull())) break;
      const k = Math.min(left, this.buffered);
      let rest = k;
      while (rest > 0) {
        const c = this.chunks[0]!;
        const d = Math.min(c.length, rest);
        this.dropFront(d);
        rest -= d;
      }
      left -= k;
    }
    return n - left;
  }

  /** Stops the underlying stream. */
  async close(): Promise<void> {
    await this.it.return?.();
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && (await this.pull()));
  }

  private async pull(): Promise<boolean> {
    const next = await this.it.next();
    if (next.done === true) return false;
    if (next.value.length > 0) {
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
    return true;
  }

  private dropFront(k: number): void {
    const c = this.chunks[0]!;
    if (k === c.length) this.chunks.shift();
    else this.chunks[0] = c.subarray(k);
    this.buffered -= k;
    this.position += k;
  }
}
