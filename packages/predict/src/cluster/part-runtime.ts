/**
 * What one sandbox thread of a predict worker keeps between the jobs it
 * runs: the storage and its S3 client, a decode pool, the compute backends
 * (ZCA's product), the models it loaded (a {@link ModelCache}), the last
 * artifact read, and a guard that ends the jobs of a run that failed or was
 * cancelled. The worker's `--device`, `--threads` and `--model-cache` come
 * in as the kind options of its settings.
 */
import { performance } from "node:perf_hooks";
import {
  ErrorCodes,
  FeaturewiseError,
  formatByteSize,
  parseByteSize,
  PREDICT_DEVICES,
  type PredictOptions,
} from "@featurewise/core";
import { DecodePool } from "@featurewise/dataset";
import {
  readArtifact,
  LoadedBackends,
  type Decoder,
  type LoadedArtifact,
  type SelectedBackend,
} from "@featurewise/pipeline";
import { RunGuard, type WorkerSettings } from "@featurewise/queue";
import { Storage } from "@featurewise/storage";
import { modelChecksums, openModel } from "../pipeline/open-model.js";
import { selectRuntime } from "../runtime-registry.js";
import type { Device } from "../runtime.js";
import { ModelCache, type CachedModel } from "./model-cache.js";
import { PREDICT_WORKER_DEFAULTS, type PredictWorkerOptions } from "./predict-names.js";

/** The predict options among a worker's kind options, checked. */
export function predictWorkerOptions(
  kindOptions: Readonly<Record<string, string | number>>,
): PredictWorkerOptions {
  const d = PREDICT_WORKER_DEFAULTS;
  const device = String(kindOptions["device"] ?? d.device);
  if (!(PREDICT_DEVICES as readonly string[]).includes(device)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--device ${device}: expected one of ${PREDICT_DEVICES.join(", ")}`,
    );
  }
  const threads = Number(kindOptions["threads"] ?? d.threads);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--threads ${kindOptions["threads"]}: expected a positive integer`,
    );
  }
  const cache = kindOptions["modelCache"];
  return {
    device: device as Device,
    threads,
    modelCacheBytes:
      cache === undefined ? d.modelCacheBytes : parseByteSize("--model-cache", String(cache)),
  };
}

/** See the module comment. */
export class PartRuntime {
  /** One line on the worker's stderr (a sandbox thread's is piped there). */
  readonly log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${this.settings.queue} thread: ${line}\n`);
  };

  readonly storage: Storage;
  readonly guard: RunGuard;
  readonly worker: PredictWorkerOptions;
  readonly models: ModelCache;
  private pool: DecodePool | null = null;
  private readonly backends: LoadedBackends;
  private lastArtifact: { key: string; artifact: Promise<LoadedArtifact> } | null = null;

  constructor(readonly settings: WorkerSettings) {
    this.storage = new Storage(settings.storage);
    this.backends = new LoadedBackends(settings.backend);
    this.guard = new RunGuard(settings);
    this.worker = predictWorkerOptions(settings.kindOptions);
    this.models = new ModelCache(this.worker.modelCacheBytes);
  }

  /** Decodes on this thread's decode pool. */
  readonly decoder: Decoder = (inputs, options) => {
    this.pool ??= new DecodePool(this.settings.decodeThreads);
    return this.pool.decodeMany(inputs, options);
  };

  /** As the embedded predict: two batches in flight per decode thread. */
  get inFlight(): number {
    return Math.max(2, 2 * this.settings.decodeThreads);
  }

  /** Starts the decode pool now, so the first part does not wait for its threads. */
  startDecodePool(): void {
    this.pool ??= new DecodePool(this.settings.decodeThreads);
  }

  /** The backend `requested` ("auto": this worker's `--backend`), loaded once per thread. */
  backend(requested: string): SelectedBackend {
    return this.backends.get(requested);
  }

  /**
   * The artifact at `location` as planned (its stats.json's sha256); the
   * last one read is kept (a ZCA artifact's whitening matrix is 75 MB at 32x32x3).
   * @throws FeaturewiseError INVALID_ARGUMENT when it changed since the run was planned
   */
  async artifact(location: string, statsSha256: string): Promise<LoadedArtifact> {
    if (this.lastArtifact?.key !== location) {
      const artifact = readArtifact(this.storage, location);
      artifact.catch(() => {}); // awaited below
      this.lastArtifact = { key: location, artifact };
    }
    const artifact = await this.lastArtifact.artifact.catch((err: unknown) => {
      this.lastArtifact = null;
      throw err;
    });
    if (artifact.statsSha256 !== statsSha256) {
      this.lastArtifact = null;
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `--stats ${location} changed since the run was planned (stats.json sha256 ${artifact.statsSha256}, planned ${statsSha256})`,
      );
    }
    return artifact;
  }

  /**
   * The run's model, loaded on this worker's device and threads unless the
   * run names them, from the cache when this thread has it (by sha256).
   * @throws FeaturewiseError MODEL_INVALID, NOT_FOUND, MODEL_MISMATCH (the
   *   model changed since the run was planned), BACKEND_UNAVAILABLE
   */
  model(
    options: PredictOptions,
    planned: { sha256: string; runtime: string },
  ): Promise<CachedModel> {
    const device = options.device === "auto" ? this.worker.device : options.device;
    const threads = options.threads ?? this.worker.threads;
    const key = `${planned.sha256}|${planned.runtime}|${device}|${threads}`;
    return this.models.get(key, async () => {
      const started = performance.now();
      const recorded = await openModel(options.model, this.storage);
      const selected = await selectRuntime(planned.runtime, recorded.files, { device, threads });
      try {
        const checksums = await modelChecksums(recorded);
        if (checksums.sha256 !== planned.sha256) {
          throw new FeaturewiseError(
            ErrorCodes.MODEL_MISMATCH,
            `--model ${options.model} changed since the run was planned (sha256 ${checksums.sha256}, planned ${planned.sha256})`,
          );
        }
        let bytes = 0;
        for (const file of recorded.read.values()) bytes += file.length;
        this.log(
          `loaded model ${checksums.sha256.slice(0, 12)} (${formatByteSize(bytes)}, ${selected.model.runtime} on ${selected.model.device}, ` +
            `${threads} threads) from ${options.model} in ${((performance.now() - started) / 1000).toFixed(2)} s; ` +
            `kept by sha256 for later jobs (cache ${formatByteSize(this.models.maxBytes)})`,
        );
        return {
          model: selected.model,
          sha256: checksums.sha256,
          files: checksums.files,
          bytes,
          reason: selected.reason,
        };
      } catch (err) {
        await selected.model.dispose();
        throw err;
      }
    });
  }
}
