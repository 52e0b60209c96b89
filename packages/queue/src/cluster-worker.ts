/**
 * A worker process' side of the cluster: one BullMQ Worker per queue it
 * serves, each queue's job kind taken from the registry (job-registry.ts).
 * Kinds marked `onThread` run on sandbox threads (sandbox-processor.ts);
 * the others run on the main thread. The main thread also keeps each run's
 * record up to date through the kinds' hooks as their jobs start, finish
 * or fail. Nothing here knows what a fit is: the fit's kinds come in as a
 * job module (`@featurewise/fit`'s fit-job-kinds.ts), like any other kind,
 * and what the process needs before its threads start (OpenBLAS' spin
 * setting) is set by whoever starts it (the fit's `startClusterWorker`).
 */
import { availableParallelism } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ChildPool, Worker, type Job } from "bullmq";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { StorageConfig } from "@featurewise/storage";
import type { FaultPlan } from "./faults.js";
import { toJobError, unknownJobName, type JobError } from "./job-errors.js";
import type { AnyJobKind, RunHooks, WorkerSettings } from "./job-kind.js";
import { loadJobRegistry } from "./job-registry.js";
import { createRedis, readEvictionPolicy } from "./redis-connection.js";
import { redactRedisUrl } from "./redis-url.js";
import { runKind, RunStateStore } from "./run-state.js";

/** How a worker process serves the cluster. */
export interface WorkerProcessOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Modules whose `jobKinds` this worker registers (file URLs or package specifiers). */
  readonly jobModules: readonly string[];
  /** Queues to take jobs from; each must be a registered kind's. @defaultValue every registered queue */
  readonly queues?: readonly string[];
  /** Jobs at once per queue (each thread job on its own thread). @defaultValue 1 */
  readonly concurrency: number;
  /** Backend for jobs that ask for "auto". @defaultValue "auto" */
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
  /** Settings of particular job kinds (see {@link WorkerSettings.kindOptions}). @defaultValue {} */
  readonly kindOptions?: Readonly<Record<string, string | number>>;
  /** Where progress and warnings go (one line each). */
  readonly log: (line: string) => void;
}

/** A running worker process' queues. */
export interface ClusterWorker {
  /** Redis' `maxmemory-policy` as read at start (null when it could not be read). */
  readonly evictionPolicy: string | null;
  /** The queues it serves. */
  readonly queues: readonly string[];
  /**
   * Stops taking jobs. Waits for the active ones to finish, unless `force`:
   * then they are left to stall and be retried elsewhere.
   */
  close(force?: boolean): Promise<void>;
}

const PROCESSOR = fileURLToPath(
  import.meta.url.endsWith(".ts")
    ? new URL("../dist/sandbox-processor.js", import.meta.url)
    : new URL("./sandbox-processor.js", import.meta.url),
);

/** Connects, checks Redis' eviction policy, loads the job kinds and starts serving their queues. */
export async function startWorkerProcess(o: WorkerProcessOptions): Promise<ClusterWorker> {
  const registry = await loadJobRegistry(o.jobModules);
  const queues = o.queues ?? registry.queues();
  const kinds = queues.map((queue) => {
    const kind = registry.get(queue);
    if (kind === undefined) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `--queues ${JSON.stringify(queue)}: expected one of ${registry.queues().join(", ")}`,
      );
    }
    return kind;
  });
  const connection = createRedis(o.redisUrl, "worker", `featurewise-worker-${o.name}`);
  const evictionPolicy = await readEvictionPolicy(connection);
  if (evictionPolicy !== null && evictionPolicy !== "noeviction") {
    o.log(
      `warning: Redis at ${redactRedisUrl(o.redisUrl)} has maxmemory-policy ${evictionPolicy}; ` +
        `queues need "noeviction" (under memory pressure Redis would drop job keys): ` +
        `set maxmemory-policy noeviction in redis.conf or with CONFIG SET`,
    );
  }
  const hooks: RunHooks = { runs: new RunStateStore(connection, o.prefix), log: o.log };
  const concurrency = Math.max(1, o.concurrency);
  const settings = (queue: string): WorkerSettings => ({
    queue,
    redisUrl: o.redisUrl,
    prefix: o.prefix,
    storage: o.storage,
    backend: o.backend,
    decodeThreads: o.decodeThreads ?? Math.max(1, Math.floor(availableParallelism() / concurrency)),
    faults: o.faults ?? null,
    jobModules: o.jobModules,
    kindOptions: o.kindOptions ?? {},
  });
  const mainContexts: Array<() => Promise<void>> = [];
  const errors = onceEvery(10_000, o.log);
  const workers = kinds.map((kind) => {
    let processor: string | ((job: Job) => Promise<unknown>) = PROCESSOR;
    if (!kind.onThread) {
      const context: unknown = kind.context({ settings: settings(kind.queue), connection });
      kind.warm?.(context);
      if (kind.close !== undefined) mainContexts.push(() => kind.close!(context));
      processor = (job) => runOnMainThread(kind, context, job);
    }
    const worker = new Worker(kind.queue, processor, {
      connection,
      prefix: o.prefix,
      name: o.name,
      concurrency,
      lockDuration: o.lockDurationMs ?? 30_000,
      stalledInterval: o.stalledIntervalMs ?? 30_000,
      maxStalledCount: o.maxStalledCount ?? 2,
      useWorkerThreads: true,
      // Threads reject the process' V8 flags (the CLI runs with --max-semi-space-size).
      workerThreadsOptions: { workerData: settings(kind.queue), execArgv: [] },
    });
    watchJobs(worker, kind, hooks, errors);
    return worker;
  });
  await Promise.all(workers.map((w, i) => (kinds[i]!.onThread ? prewarm(w, o.log) : undefined)));
  return {
    evictionPolicy,
    queues,
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
      for (const close of mainContexts) await close();
      connection.disconnect();
    },
  };
}

/** Runs a job of a main-thread kind. */
async function runOnMainThread(kind: AnyJobKind, context: unknown, job: Job): Promise<unknown> {
  let where = `job ${job.id}`;
  try {
    if (job.name !== kind.queue) throw unknownJobName(job.name, kind.queue);
    const p: unknown = kind.parse(job.data);
    where = kind.where(p);
    return await kind.run(p, context, job);
  } catch (err) {
    throw toJobError(err, where);
  }
}

/** Keeps run records current from a Worker's events through its kind's hooks; Redis hiccups are logged, not fatal. */
function watchJobs(
  worker: Worker,
  kind: AnyJobKind,
  hooks: RunHooks,
  logError: (line: string) => void,
): void {
  const { log } = hooks;
  const guard = (what: string, work: () => Promise<unknown>): void => {
    work().catch((err: unknown) => log(`could not record ${what}: ${String(err)}`));
  };
  const runOf = (job: Job): string | null =>
    job.name === kind.queue ? kind.runId(job.data) : null;
  worker.on("active", (job) => {
    const runId = runOf(job);
    if (runId !== null && kind.onActive !== undefined)
      guard(`the start of ${job.id}`, () => kind.onActive!(runId, hooks));
  });
  worker.on("completed", (job, result) => {
    const runId = runOf(job);
    if (runId !== null && kind.onCompleted !== undefined)
      guard(`${job.id}`, () => kind.onCompleted!(runId, result, hooks));
  });
  worker.on("failed", (job, err: JobError) => {
    if (job === undefined) return;
    const runId = kind.runId(job.data);
    guard(`failure of ${job.id}`, async () => {
      const final = err.name === "UnrecoverableError" || (await job.getState()) === "failed";
      log(`${job.id} ${final ? "failed" : "will be retried"}: ${err.message}`);
      if (!final || runId === null) return;
      // Failed by a child (BullMQ's failParentOnFailure, "child … failed"):
      // the child's own worker records the cause, with its code, as it
      // fails. This is the fallback when that worker died first; written a
      // moment later, it does not win the race (the first failure stays).
      if (job.deferredFailure) await delay(CHILD_FAILURE_GRACE_MS);
      const failed = await hooks.runs.fail(runId, {
        code: err.code ?? null,
        message: err.message,
        job: job.id ?? "",
      });
      if (failed) log(`${runKind(runId)} ${runId} failed: ${err.message}`);
    });
  });
  worker.on("stalled", (jobId) => log(`${jobId} stalled (its worker stopped); it will run again`));
  worker.on("lockRenewalFailed", (ids) => log(`lock renewal failed for ${ids.join(", ")}`));
  worker.on("error", (err) => logError(`Redis or queue error (retrying): ${err.message}`));
}

/** How long a parent failed by its child waits before recording the run's failure itself. */
const CHILD_FAILURE_GRACE_MS = 2000;

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
