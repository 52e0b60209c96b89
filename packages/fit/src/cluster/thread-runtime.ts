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
  LoadedBackends,
  type SelectedBackend,
} from "@featurewise/pipeline";
import type { JobContext } from "./job-context.js";
import { RunGuard, type WorkerSettings } from "@featurewise/queue";

/** The settings a worker process gives its sandbox threads. */
export type ThreadSettings = WorkerSettings;

/** The resources of one sandbox thread (see the module comment). */
export class ThreadRuntime implements JobContext {
  readonly storage: Storage;
  /** A shard's accumulator and batch buffer, for the thread's next shard. */
  readonly buffers = new BufferPool(2);
  private pool: DecodePool | null = null;
  private readonly backends: LoadedBackends;
  private readonly guard: RunGuard;

  constructor(readonly settings: ThreadSettings) {
    this.storage = new Storage(settings.storage);
    this.backends = new LoadedBackends(settings.backend);
    this.guard = new RunGuard(settings);
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
    return this.backends.get(requested);
  }

  /**
   * Throws an unrecoverable error when the fit already failed or was
   * cancelled, so its remaining jobs end at once instead of running.
   */
  async checkFitActive(fitId: string): Promise<void> {
    await this.guard.checkActive(fitId);
  }

  /** This thread's Redis connection (made on first use). */
  redis(): ReturnType<RunGuard["redis"]> {
    return this.guard.redis();
  }
}
