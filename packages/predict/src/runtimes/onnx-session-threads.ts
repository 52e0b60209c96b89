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
  readonly input: string;
  readonly outputs: readonly string[];
}

/** A batch to run (its buffer is transferred), or the order to release the session. */
export type SessionRequest =
  | { readonly id: number; readonly batch: Float32Array; readonly dims: readonly number[] }
  | "release";

/** A thread's answer: its session is ready (or not), or a batch's outputs in the model's order. */
export type SessionReply =
  | { readonly ready: true }
  | { readonly ready: false; readonly error: string }
  | { readonly id: number; readonly outputs: OutputTensor[] }
  | { readonly id: number; readonly error: string };

/** The compiled thread script (tests run the sources, so they point at dist/ too). */
const THREAD_URL = import.meta.url.endsWith(".ts")
  ? new URL("../../dist/runtimes/onnx-session-thread.js", import.meta.url)
  : new URL("./onnx-session-thread.js", import.meta.url);

interface Waiter {
  resolve(outputs: OutputTensor[]): void;
  reject(err: Error): void;
}

/** `count` sessions of one model, each on its own worker thread. */
export class OnnxSessionThreads {
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 0;
  /** Why the sessions cannot run batches any more (a thread died, or they were released). */
  private closed: Error | null = null;
  private readonly exited: Promise<void>[];

  private constructor(private readonly threads: readonly Worker[]) {
    for (const thread of threads) {
      thread.on("message", (reply: SessionReply) => {
        if (!("id" in reply)) return;
        const waiter = this.waiters.get(reply.id);
        if (waiter === undefined) return;
        this.waiters.delete(reply.id);
        if ("error" in reply) waiter.reject(new Error(`ONNX Runtime: ${reply.error}`));
        else waiter.resolve(reply.outputs);
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

  /** Starts the threads; resolves once every session is made, rejects with the first failure. */
  static async start(count: number, data: SessionThreadData): Promise<OnnxSessionThreads> {
    const threads = Array.from(
      { length: count },
      () => new Worker(THREAD_URL, { workerData: data, execArgv: [] }),
    );
    const ready = threads.map(
      (thread) =>
        new Promise<void>((resolve, reject) => {
          thread.once("message", (reply: SessionReply) => {
            if ("ready" in reply && reply.ready) resolve();
            else
              reject(
                new Error(
                  `ONNX Runtime session thread: ${"error" in reply ? reply.error : "no answer"}`,
                ),
              );
          });
          thread.once("error", reject);
        }),
    );
    try {
      await Promise.all(ready);
    } catch (err) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw err;
    }
    return new OnnxSessionThreads(threads);
  }

  /** Batches worth running at once: one per session. */
  get size(): number {
    return this.threads.length;
  }

  /** Runs one batch on the next session; `batch`'s buffer is transferred when it owns all of it. */
  run(batch: Float32Array, dims: readonly number[]): Promise<OutputTensor[]> {
    if (this.closed !== null) return Promise.reject(this.closed);
    const id = this.nextId++;
    const thread = this.threads[id % this.threads.length]!;
    const owned = batch.byteOffset === 0 && batch.byteLength === batch.buffer.byteLength;
    return new Promise((resolve, reject) => {
      this.waiters.set(id, { resolve, reject });
      const req: SessionRequest = { id, batch, dims };
      thread.postMessage(req, owned ? [batch.buffer as ArrayBuffer] : []);
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
