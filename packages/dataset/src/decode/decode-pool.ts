import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ErrorCodes, FeaturewiseError, type ErrorCode } from "@featurewise/core";
import type { DecodedImage, DecodeOptions } from "./types.js";

/** One input of a batch: file bytes, or a local file path the worker reads itself. */
export type DecodeInput = Uint8Array | string;

/** What became of one input: its pixels, or why there are none. */
export type DecodeOutcome =
  | { readonly image: DecodedImage }
  | { readonly error: { readonly message: string; readonly code: ErrorCode } };

/** A message to a decode worker: a batch of inputs decoded with the same options. */
export interface DecodeRequest {
  readonly id: number;
  readonly inputs: readonly DecodeInput[];
  readonly options: DecodeOptions;
}

/** An outcome as it travels back: image shapes, their pixels packed in one buffer. */
export type PackedOutcome =
  | {
      readonly height: number;
      readonly width: number;
      readonly channels: 1 | 3 | 4;
      readonly length: number;
    }
  | Extract<DecodeOutcome, { error: unknown }>;

/** A decode worker's answer, one outcome per input, in order; pixels back to back. */
export interface DecodeReply {
  readonly id: number;
  readonly results: PackedOutcome[];
  readonly pixels: Uint8Array;
}

/** The compiled worker script (tests run the sources, so they point at dist/ too). */
const WORKER_URL = import.meta.url.endsWith(".ts")
  ? new URL("../../dist/decode/decode-worker.js", import.meta.url)
  : new URL("./decode-worker.js", import.meta.url);

/**
 * Reads and decodes images on worker threads, one per core by default, so
 * the main thread only gathers statistics. Inputs travel in batches (one
 * message per batch, pixels transferred back without a copy); results are
 * the same as {@link decodeImage}'s.
 */
export class DecodePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<
    number,
    { resolve: (r: DecodeOutcome[]) => void; reject: (e: Error) => void }
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

  /**
   * Decodes a batch on the next worker (round-robin). Byte inputs that own
   * their whole buffer are transferred: do not use them afterwards.
   */
  decodeMany(inputs: readonly DecodeInput[], options: DecodeOptions): Promise<DecodeOutcome[]> {
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    const transfer = inputs.flatMap((b) =>
      typeof b !== "string" &&
      b.byteOffset === 0 &&
      b.buffer instanceof ArrayBuffer &&
      b.byteLength === b.buffer.byteLength
        ? [b.buffer]
        : [],
    );
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: DecodeRequest = { id, inputs, options };
      worker.postMessage(req, transfer);
    });
  }

  /** Decodes one input; rejects with the decoder's error. */
  async decode(input: DecodeInput, options: DecodeOptions): Promise<DecodedImage> {
    const [outcome] = await this.decodeMany([input], options);
    if (outcome !== undefined && "image" in outcome) return outcome.image;
    const error = outcome?.error ?? { code: ErrorCodes.DECODE_FAILED, message: "no result" };
    throw new FeaturewiseError(error.code, error.message);
  }

  /** Stops the workers; pending batches are rejected. */
  async close(): Promise<void> {
    for (const { reject } of this.pending.values()) reject(new Error("decode pool closed"));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private startWorker(): Worker {
    // A small young generation keeps each worker's garbage, hence RSS, flat.
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 3 } });
    worker.on("message", (reply: DecodeReply) => {
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      let offset = 0;
      waiter.resolve(
        reply.results.map((r): DecodeOutcome => {
          if ("error" in r) return r;
          const data = reply.pixels.subarray(offset, (offset += r.length));
          return { image: { data, height: r.height, width: r.width, channels: r.channels } };
        }),
      );
    });
    worker.on("error", (err) => {
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
    });
    return worker;
  }
}
