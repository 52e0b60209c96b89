import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { FeaturewiseError, type ErrorCode } from "@featurewise/core";
import type { DecodedImage, DecodeOptions } from "./types.js";

/** A message to a decode worker. */
export interface DecodeRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: DecodeOptions;
}

/** A decode worker's answer: the image, or the error it raised. */
export type DecodeReply =
  | { readonly id: number; readonly image: DecodedImage }
  | { readonly id: number; readonly error: { message: string; code: ErrorCode } };

/** The compiled worker script (tests run the sources, so they point at dist/ too). */
const WORKER_URL = import.meta.url.endsWith(".ts")
  ? new URL("../../dist/decode/decode-worker.js", import.meta.url)
  : new URL("./decode-worker.js", import.meta.url);

/**
 * Decodes images on worker threads, one per core by default, so decoding
 * runs beside the main thread's statistics. Same results as
 * {@link decodeImage}; requests are spread round-robin.
 */
export class DecodePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<
    number,
    { resolve: (i: DecodedImage) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  /** @param size - worker threads. @defaultValue os.availableParallelism() */
  constructor(size: number = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => this.startWorker());
  }

  /** Number of worker threads. */
  get size(): number {
    return this.workers.length;
  }

  /** Decodes in a worker. `bytes` is transferred: do not use it afterwards. */
  decode(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedImage> {
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: DecodeRequest = { id, bytes, options };
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      worker.postMessage(req, whole && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []);
    });
  }

  /** Stops the workers; pending decodes are rejected. */
  async close(): Promise<void> {
    for (const { reject } of this.pending.values()) reject(new Error("decode pool closed"));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private startWorker(): Worker {
    // A small young generation keeps each worker's garbage, hence RSS, flat.
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.on("message", (reply: DecodeReply) => {
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      if ("image" in reply) waiter.resolve(reply.image);
      else waiter.reject(new FeaturewiseError(reply.error.code, reply.error.message));
    });
    worker.on("error", (err) => {
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
    });
    return worker;
  }
}
