/**
 * A worker process' side of the cluster: one BullMQ Worker per queue it
 * serves. Shard, reduce and finalize jobs run on sandbox threads (see
 * sandbox-processor.ts); the coordinator (listing and planning, all I/O)
 * runs on the main thread. The main thread also keeps each fit's record
 * up to date as its jobs finish or fail.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { ChildPool, FlowProducer, Queue, Worker, type Job } from "bullmq";
import type { StorageConfig } from "@featurewise/storage";
import { shortenOpenBlasSpin } from "@featurewise/linalg";
import { Storage } from "@featurewise/storage";
import type { QueueName } from "./cluster-settings.js";
import { runCoordinatorJob } from "./coordinator-job.js";
import type { FaultPlan } from "./faults.js";
import type { FinalizeJobResult } from "./finalize-job.js";
import { jobIds } from "./fit-names.js";
import { FitStateStore, FINAL_STATES } from "./fit-state.js";
import { fitEndedError, toJobError, type JobError } from "./job-errors.js";
import { parsePayload } from "./payloads.js";
import { createRedis, readEvictionPolicy } from "./redis-connection.js";
import { redactRedisUrl } from "./redis-url.js";
import type { ShardJobResult } from "./shard-job.js";
import type { ThreadSettings } from "./thread-runtime.js";

/** How a worker process serves the cluster. */
export interface ClusterWorkerOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Queues to take jobs from. */
  readonly queues: readonly QueueName[];
  /** Jobs at once per queue (each shard, reduce or finalize job on its own thread). @defaultValue 1 */
  readonly concurrency: number;
  /** Backend for fits that ask for "auto". @defaultValue "auto" */
  readonly backend: string;
  /** This worker's name, recorded on each job it takes (`processedBy`). */
  readonly name: string;
  readonly storage: StorageConfig;
  /** A job whose lock is not renewed for this long is taken to have stalled. @defaultValue 30000 */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs. @defaultValue 30000 */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it fails. @defaultValue 2 */
  readonly maxStalledCount?: number;
  /** Decode threads per sandbox thread. @defaultValue cores / concurrency, at least 1 */
  readonly decodeThreads?: number;
  /** Test-only fault injection. @defaultValue null */
  readonly faults?: FaultPlan | null;
  /** Where progress and warnings go (one line each). */
  readonly log: (line: string) => void;
}

/** A running worker process' queues. */
export interface ClusterWorker {
  /** Redis' `maxmemory-policy` as read at start (null when it could not be read). */
  readonly evictionPolicy: string | null;
  /**
   * Stops taking jobs. Waits for the active ones to finish, unless `force`:
   * then they are left to stall and be retried elsewhere.
   */
  close(force?: boolean): Promise<void>;
}

const PROCESSOR = fileURLToPath(
  import.meta.url.endsWith(".ts")
    ? new URL("../../dist/cluster/sandbox-processor.js", import.meta.url)
    : new URL("./sandbox-processor.js", import.meta.url),
);

/** Connects, checks Redis' eviction policy, and starts serving the queues. */
export async function startClusterWorker(o: ClusterWorkerOptions): Promise<ClusterWorker> {
  shortenOpenBlasSpin(); // before the sandbox threads (and their copies of the environment) start
  const connection = createRedis(o.redisUrl, "worker", `featurewise-worker-${o.name}`);
  const evictionPolicy = await readEvictionPolicy(connection);
  if (evictionPolicy !== null && evictionPolicy !== "noeviction") {
    o.log(
      `warning: Redis at ${redactRedisUrl(o.redisUrl)} has maxmemory-policy ${evictionPolicy}; ` +
        `queues need "noeviction" (under memory pressure Redis would drop job keys): ` +
        `set maxmemory-policy noeviction in redis.conf or with CONFIG SET`,
    );
  }
  const fits = new FitStateStore(connection, o.prefix);
  const storage = new Storage(o.storage);
  const flows = new FlowProducer({ connection, prefix: o.prefix });
  const finalizeQueue = new Queue("finalize", { connection, prefix: o.prefix });
  finalizeQueue.on("error", () => {}); // reported by the calls that hit it
  const concurrency = Math.max(1, o.concurrency);
  const threadSettings = (queue: QueueName): ThreadSettings => ({
    queue,
    redisUrl: o.redisUrl,
    prefix: o.prefix,
    storage: o.storage,
    backend: o.backend,
    decodeThreads: o.decodeThreads ?? Math.max(1, Math.floor(availableParallelism() / concurrency)),
    faults: o.faults ?? null,
  });
  const coordinate = async (job: Job): Promise<unknown> => {
    try {
      const p = parsePayload("coordinator", job.data);
      const status = await fits.read(p.fitId);
      if (status !== null && FINAL_STATES.includes(status.state))
        throw fitEndedError(p.fitId, status.state);
      // A coordinator that ran again after adding the flow (its worker died) has nothing left to do.
      const root = `${o.prefix}:finalize:${jobIds.finalize(p.fitId)}`;
      if (status !== null && (await connection.exists(root)) === 1)
        return { shards: status.shardsTotal, listed: status.imagesTotal };
      const context = { storage, flows, fits, finalize: finalizeQueue, faults: o.faults ?? null };
      return await runCoordinatorJob(p, context);
    } catch (err) {
      throw toJobError(err, "coordinator");
    }
  };
  const errors = onceEvery(10_000, o.log);
  const workers = o.queues.map((queue) => {
    const worker = new Worker(queue, queue === "coordinator" ? coordinate : PROCESSOR, {
      connection,
      prefix: o.prefix,
      name: o.name,
      concurrency,
      lockDuration: o.lockDurationMs ?? 30_000,
      stalledInterval: o.stalledIntervalMs ?? 30_000,
      maxStalledCount: o.maxStalledCount ?? 2,
      useWorkerThreads: true,
      // Threads reject the process' V8 flags (the CLI runs with --max-semi-space-size).
      workerThreadsOptions: { workerData: threadSettings(queue), execArgv: [] },
    });
    watchJobs(worker, fits, o.log, errors);
    return worker;
  });
  await Promise.all(workers.map((w) => prewarm(w, o.log)));
  return {
    evictionPolicy,
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
      await flows.close();
      await finalizeQueue.close();
      storage.close();
      connection.disconnect();
    },
  };
}

/** Keeps fit records current from a Worker's events; Redis hiccups are logged, not fatal. */
function watchJobs(
  worker: Worker,
  fits: FitStateStore,
  log: (line: string) => void,
  logError: (line: string) => void,
): void {
  const fitIdOf = (job: Job): string => (job.data as { fitId: string }).fitId;
  const guard = (what: string, work: () => Promise<unknown>): void => {
    work().catch((err: unknown) => log(`could not record ${what}: ${String(err)}`));
  };
  worker.on("active", (job) => {
    if (job.name === "finalize")
      guard("finalizing", () => fits.setState(fitIdOf(job), "finalizing"));
  });
  worker.on("completed", (job, result) => {
    const fitId = fitIdOf(job);
    if (job.name === "shard") {
      const r = result as ShardJobResult;
      guard(`shard ${job.id}`, () => fits.recordShard(fitId, r.index, r.images, r.skipped));
    } else if (job.name === "finalize") {
      const r = result as FinalizeJobResult;
      log(`fit ${fitId} succeeded: ${r.n} images (${r.skipped} skipped), artifact ${r.artifact}`);
      guard("success", () => fits.setState(fitId, "succeeded", { artifact: r.artifact }));
    }
  });
  worker.on("failed", (job, err: JobError) => {
    if (job === undefined) return;
    const fitId = fitIdOf(job);
    guard(`failure of ${job.id}`, async () => {
      const final = err.name === "UnrecoverableError" || (await job.getState()) === "failed";
      log(`${job.id} ${final ? "failed" : "will be retried"}: ${err.message}`);
      if (!final) return;
      const failed = await fits.fail(fitId, {
        code: err.code ?? null,
        message: err.message,
        job: job.id ?? "",
      });
      if (failed) log(`fit ${fitId} failed: ${err.message}`);
    });
  });
  worker.on("stalled", (jobId) => log(`${jobId} stalled (its worker stopped); it will run again`));
  worker.on("lockRenewalFailed", (ids) => log(`lock renewal failed for ${ids.join(", ")}`));
  worker.on("error", (err) => logError(`Redis or queue error (retrying): ${err.message}`));
}

/** A log that drops a line it already printed in the last `ms` (a Redis outage repeats its error per queue and reconnect). */
function onceEvery(ms: number, log: (line: string) => void): (line: string) => void {
  const seen = new Map<string, number>();
  return (line) => {
    const now = Date.now();
    if (now - (seen.get(line) ?? -Infinity) < ms) return;
    seen.set(line, now);
    if (seen.size > 100) seen.clear();
    log(line);
  };
}

/**
 * Starts one sandbox thread of a queue now (loading the modules, the decode
 * pool, the backend), so the first job after start does not wait for it.
 * BullMQ has no API for this: it reaches into the Worker's ChildPool, and
 * does nothing if that is not there.
 */
async function prewarm(worker: Worker, log: (line: string) => void): Promise<void> {
  const pool = (worker as unknown as { childPool?: unknown }).childPool;
  if (!(pool instanceof ChildPool)) return;
  try {
    pool.release(await pool.retain(PROCESSOR));
  } catch (err) {
    log(`could not start a ${worker.name} thread ahead of its first job: ${String(err)}`);
  }
}
