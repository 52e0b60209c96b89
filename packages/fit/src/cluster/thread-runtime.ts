/**
 * What one sandbox thread keeps between the jobs it runs: the storage
 * configuration and its S3 client, one decode pool, the loaded compute
 * backends, the accumulator memory of its last shard, and a Redis
 * connection to check that a job's fit is still on.
 * It is the context of the fit's shard, reduce and finalize jobs
 * (fit-job-kinds.ts); the worker process hands the settings over as `workerData`.
 */
import { DecodePool } from "@featurewise/dataset";
import { Storage } from "@featurewise/storage";
import {
  BufferPool,
  type Decoder,
  selectBackend,
  type SelectedBackend,
} from "@featurewise/pipeline";
import { FitStateStore, FINAL_STATES } from "./fit-state.js";
import type { JobContext } from "./job-context.js";
import { createRedis, type WorkerSettings } from "@featurewise/queue";
import { fitEndedError } from "./fit-ended-error.js";

/** The settings a worker process gives its sandbox threads. */
export type ThreadSettings = WorkerSettings;

/** The resources of one sandbox thread (see the module comment). */
export class ThreadRuntime implements JobContext {
  readonly storage: Storage;
  /** A shard's accumulator and batch buffer, for the thread's next shard. */
  readonly buffers = new BufferPool(2);
  private pool: DecodePool | null = null;
  private readonly backends = new Map<string, SelectedBackend>();
  private fits: FitStateStore | null = null;
  private connection: ReturnType<typeof createRedis> | null = null;

  constructor(readonly settings: ThreadSettings) {
    this.storage = new Storage(settings.storage);
  }

  /** Decodes on this thread's decode pool. */
  readonly decoder: Decoder = (inputs, options) => {
    this.pool ??= new DecodePool(this.settings.decodeThreads);
    return this.pool.decodeMany(inputs, options);
  };

  /** Starts the decode pool now, so the first shard does not wait for its threads. */
  startDecodePool(): void {
    this.pool ??= new DecodePool(this.settings.decodeThreads);
  }

  /** Loads this worker's backend now; a failure is reported by the first job that needs it. */
  loadDefaultBackend(): void {
    try {
      this.backend("auto");
    } catch {
      // Reported by the first job that needs it.
    }
  }

  /** As the embedded fit: three batches in flight per decode thread. */
  get decodeInFlight(): number {
    return Math.max(2, 3 * this.settings.decodeThreads);
  }

  /** The backend `requested` ("auto": this worker's `--backend`), loaded once per thread. */
  backend(requested: string): SelectedBackend {
    const name = requested === "auto" ? this.settings.backend : requested;
    let b = this.backends.get(name);
    if (b === undefined) {
      b = selectBackend(name);
      this.backends.set(name, b);
    }
    return b;
  }

  /**
   * Throws an unrecoverable error when the fit already failed or was
   * cancelled, so its remaining jobs end at once instead of running.
   */
  async checkFitActive(fitId: string): Promise<void> {
    this.fits ??= new FitStateStore(this.redis(), this.settings.prefix);
    const status = await this.fits.read(fitId);
    if (status !== null && FINAL_STATES.includes(status.state) && status.state !== "succeeded")
      throw fitEndedError(fitId, status.state);
  }

  /** This thread's Redis connection (made on first use). */
  redis(): ReturnType<typeof createRedis> {
    this.connection ??= createRedis(this.settings.redisUrl, "worker", "featurewise-sandbox");
    return this.connection;
  }
}
