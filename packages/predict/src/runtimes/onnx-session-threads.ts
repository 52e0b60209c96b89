/**
 * ONNX Runtime CPU sessions on worker threads. The Node binding runs a batch
 * synchronously on the calling thread: on the main thread, every batch
 * stopped the decoding's hand-off, the standardization and the part writing,
 * and ONNX Runtime's own threads waited for them in turn. Here each session
 * has a thread of its own; several sessions (copies of the model) run
 * batches side by side, round-robin. Results are the same as the main
 * thread's session with the same options.
 */
import { Worker } from "node:worker_threads";
import type { InferenceSession } from "onnxruntime-node";
import type { OutputTensor } from "../runtime.js";

/** What each thread is started with. */
export interface SessionThreadData {
  readonly model: Uint8Array;
  readonly options: InferenceSession.SessionOptions;
}

/** A session's inputs and outputs, as ONNX Runtime describes them (outputs in the order batches return them). */
export interface SessionMetadata {
  readonly inputs: readonly InferenceSession.ValueMetadata[];
  readonly outputs: readonly InferenceSession.ValueMetadata[];
}

/**
 * A batch to run: the first `length` values of `buffer` (transferred, and
 * transferred back with the outputs for reuse); or the order to release the session.
 */
export type SessionRequest =
  | {
      readonly id: number;
      readonly buffer: ArrayBuffer;
      readonly length: number;
      readonly dims: readonly number[];
    }
  | "release";

/** A thread's answer: its session is ready (or not), or a batch's outputs in the model's order. */
export type SessionReply =
  | ({ readonly ready: true } & SessionMetadata)
  | { readonly ready: false; readonly error: string }
  | { readonly id: number; readonly outputs: OutputTensor[]; readonly buffer: ArrayBuffer }
  | { readonly id: number; readonly error: string };

/** A batch's outputs, and the buffer its input came in (back from the thread, for reuse). */
export interface SessionResult {
  readonly outputs: OutputTensor[];
  readonly input: Float32Array;
}

/** The compiled thread script (tests run the sources, so they point at dist/ too). */
const THREAD_URL = import.meta.url.endsWith(".ts")
  ? new URL("../../dist/runtimes/onnx-session-thread.js", import.meta.url)
  : new URL("./onnx-session-thread.js", import.meta.url);

interface Waiter {
  resolve(result: SessionResult): void;
  reject(err: Error): void;
}

/** `count` sessions of one model, each on its own worker thread. */
export class OnnxSessionThreads {
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 0;
  /** Why the sessions cannot run batches any more (a thread died, or they were released). */
  private closed: Error | null = null;
  private readonly exited: Promise<void>[];

  private constructor(
    private readonly threads: readonly Worker[],
    /** The model's inputs and outputs, from the first session. */
    readonly metadata: SessionMetadata,
  ) {
    for (const thread of threads) {
      thread.on("message", (reply: SessionReply) => {
        if (!("id" in reply)) return;
        const waiter = this.waiters.get(reply.id);
        if (waiter === undefined) return;
        this.waiters.delete(reply.id);
        if ("error" in reply) waiter.reject(new Error(`ONNX Runtime: ${reply.error}`));
        else waiter.resolve({ outputs: reply.outputs, input: new Float32Array(reply.buffer) });
      });
      thread.on("error", (err) => this.close(err));
    }
    this.exited = threads.map(
      (thread) =>
        new Promise<void>((resolve) =>
          thread.once("exit", (code) => {
            this.close(new Error(`an ONNX Runtime session thread ended (exit code ${code})`));
            resolve();
          }),
        ),
    );
  }

  /**
   * Starts the threads; resolves once every session is made, rejects with the
   * first failure once every thread has ended: ONNX Runtime's own message
   * when it could not make a session (the model is unreadable). The main
   * thread makes no session of its own: the threads' first reply describes
   * the model.
   */
  static async start(count: number, data: SessionThreadData): Promise<OnnxSessionThreads> {
    const threads = Array.from(
      { length: count },
      () => new Worker(THREAD_URL, { workerData: data, execArgv: [] }),
    );
    const exited = threads.map((thread) => new Promise((resolve) => thread.once("exit", resolve)));
    const ready = threads.map(
      (thread) =>
        new Promise<SessionMetadata>((resolve, reject) => {
          thread.once("message", (reply: SessionReply) => {
            if ("ready" in reply && reply.ready) resolve(reply);
            else reject(new Error("error" in reply ? reply.error : "no answer"));
          });
          thread.once("error", reject);
          thread.once("exit", (code) =>
            reject(new Error(`an ONNX Runtime session thread ended (exit code ${code})`)),
          );
        }),
    );
    // Every thread is let settle before any is stopped: a thread terminated
    // while ONNX Runtime makes its session aborts the whole process. A thread
    // that could not make one ends by itself; the others release theirs.
    const settled = await Promise.allSettled(ready);
    const failed = settled.find((s) => s.status === "rejected");
    if (failed !== undefined) {
      settled.forEach((s, i) => {
        if (s.status === "fulfilled") threads[i]!.postMessage("release" satisfies SessionRequest);
      });
      await Promise.all(exited);
      throw failed.reason;
    }
    const { inputs, outputs } = (settled[0] as PromiseFulfilledResult<SessionMetadata>).value;
    return new OnnxSessionThreads(threads, { inputs, outputs });
  }

  /** Batches worth running at once: one per session. */
  get size(): number {
    return this.threads.length;
  }

  /**
   * Runs one batch on the next session. When `batch` starts its buffer, the
   * whole buffer is transferred (one message, no copy) and comes back as the
   * result's `input`; otherwise the batch is copied.
   */
  run(batch: Float32Array, dims: readonly number[]): Promise<SessionResult> {
    if (this.closed !== null) return Promise.reject(this.closed);
    const id = this.nextId++;
    const thread = this.threads[id % this.threads.length]!;
    const buffer =
      batch.byteOffset === 0 && batch.buffer instanceof ArrayBuffer
        ? batch.buffer
        : batch.slice().buffer;
    return new Promise((resolve, reject) => {
      this.waiters.set(id, { resolve, reject });
      const req: SessionRequest = { id, buffer, length: batch.length, dims };
      thread.postMessage(req, [buffer]);
    });
  }

  /** Releases the sessions and stops the threads. */
  async release(): Promise<void> {
    this.close(new Error("ONNX Runtime sessions released"));
    for (const thread of this.threads) thread.postMessage("release" satisfies SessionRequest);
    await Promise.all(this.exited);
  }

  /** Rejects the batches waiting and every later one with `err` (the first reason wins). */
  private close(err: Error): void {
    this.closed ??= err;
    for (const { reject } of this.waiters.values()) reject(err);
    this.waiters.clear();
  }
}
