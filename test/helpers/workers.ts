import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { BIN } from "./cli.js";
import { deletePrefix, uniquePrefix } from "./redis.js";

/** A `featurewise worker` child process. */
export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Its stderr so far. */
  output(): string;
  /** Resolves once its output matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

/** How a test worker is started. */
export interface WorkerSpec {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly name: string;
  /** More `featurewise worker` arguments (queues, faults, ...). */
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
}

/**
 * Starts a real worker process (`node packages/cli/bin/featurewise.js
 * worker`) with short lock and stalled-check times, and waits until it is
 * ready.
 */
export async function startWorker(spec: WorkerSpec): Promise<WorkerProcess> {
  // Run as a user does (the file itself, so its shebang's node flags apply).
  const child = spawn(
    BIN,
    [
      "worker",
      "--name",
      spec.name,
      "--lock-duration",
      "2000",
      "--stalled-interval",
      "1000",
      ...(spec.args ?? []),
    ],
    {
      env: {
        ...process.env,
        ...spec.env,
        REDIS_URL: spec.redisUrl,
        FEATUREWISE_QUEUE_PREFIX: spec.prefix,
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let log = "";
  const listeners = new Set<() => void>();
  child.stderr!.on("data", (d: Buffer) => {
    log += d.toString();
    for (const l of listeners) l();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  const waitFor = (pattern: RegExp, timeoutMs = 20_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(log)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`worker ${spec.name}: no ${pattern} in ${timeoutMs} ms; log:\n${log}`));
      }, timeoutMs);
      const onExit = (): void => {
        cleanup();
        reject(new Error(`worker ${spec.name} exited before ${pattern}; log:\n${log}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off("exit", onExit);
      };
      listeners.add(check);
      child.once("exit", onExit);
      check();
    });
  const worker: WorkerProcess = {
    name: spec.name,
    child,
    output: () => log,
    waitFor,
    async signal(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  // Each worker warms a thread per queue before it is ready; on 2 loaded cores, with
  // several workers starting at once, that has taken over 20 s.
  await waitFor(/ready: queues/, 60_000);
  return worker;
}

/** Stops workers gracefully (SIGTERM), killing any that has not exited in 10 s. */
export async function stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      const timer = setTimeout(() => w.child.kill("SIGKILL"), 10_000);
      await w.signal("SIGTERM");
      clearTimeout(timer);
    }),
  );
}

/** Runs `use` on `queue` over a connection of its own, closed afterwards. */
async function withQueue<T>(
  redisUrl: string,
  prefix: string,
  queue: string,
  use: (q: Queue) => Promise<T>,
): Promise<T> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const q = new Queue(queue, { connection, prefix });
  try {
    return await use(q);
  } finally {
    await q.close();
    connection.disconnect();
  }
}

/** Ids and holders (`processedBy`) of the jobs active on `queue` now. */
export function activeJobs(
  redisUrl: string,
  prefix: string,
  queue: string,
): Promise<Array<{ id: string; worker: string | undefined }>> {
  return withQueue(redisUrl, prefix, queue, async (q) =>
    (await q.getActive()).map((j) => ({ id: j.id ?? "", worker: j.processedBy })),
  );
}

/** A job's attempt counters, for asserting that it was (or was not) retried. */
export function jobAttempts(
  redisUrl: string,
  prefix: string,
  queue: string,
  jobId: string,
): Promise<{ attemptsMade: number; attemptsStarted: number; stalledCounter: number } | null> {
  return withQueue(redisUrl, prefix, queue, async (q) => {
    const job = await q.getJob(jobId);
    if (job === undefined) return null;
    const { attemptsMade, attemptsStarted, stalledCounter } = job;
    return { attemptsMade, attemptsStarted, stalledCounter };
  });
}

/** When a job was created, started and finished (epoch ms; null while it has not). */
export function jobTimes(
  redisUrl: string,
  prefix: string,
  queue: string,
  jobId: string,
): Promise<{ created: number; processedOn: number | null; finishedOn: number | null } | null> {
  return withQueue(redisUrl, prefix, queue, async (q) => {
    const job = await q.getJob(jobId);
    if (job === undefined) return null;
    return {
      created: job.timestamp,
      processedOn: job.processedOn ?? null,
      finishedOn: job.finishedOn ?? null,
    };
  });
}

/** Polls `probe` every 20 ms until it returns a value other than undefined. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Tears down what a cluster test set up: stops its workers, deletes its
 * queue prefix, gives its Redis back and removes its temporary folder.
 */
export async function tearDownCluster(
  workers: readonly WorkerProcess[],
  redis: { url: string; stop(): Promise<void> } | undefined,
  prefix: string,
  work: string | undefined,
): Promise<void> {
  await stopWorkers(workers);
  if (redis !== undefined) {
    await deletePrefix(redis.url, prefix);
    await redis.stop();
  }
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
}

/** A worker of a {@link TestClusters} cluster: its name and more `featurewise worker` arguments. */
export interface ClusterWorkerSpec {
  readonly name: string;
  readonly args?: readonly string[];
}

/**
 * The clusters of a test file that starts several on one Redis: each a
 * fresh queue prefix with workers of its own, started at once. The file's
 * `afterAll` hands all of them back with {@link TestClusters.tearDown}.
 */
export class TestClusters {
  private readonly prefixes: string[] = [];
  private readonly workers: WorkerProcess[] = [];

  /** A fresh prefix (`uniquePrefix(name)`) on `redisUrl` and a ready worker for each of `specs`. */
  async start(
    redisUrl: string,
    name: string,
    specs: readonly ClusterWorkerSpec[],
  ): Promise<{ prefix: string; workers: WorkerProcess[] }> {
    const prefix = uniquePrefix(name);
    this.prefixes.push(prefix);
    const workers = await Promise.all(
      specs.map((s) => startWorker({ redisUrl, prefix, name: s.name, args: s.args ?? [] })),
    );
    this.workers.push(...workers);
    return { prefix, workers };
  }

  /** One more worker on a cluster of these (after a kill, say); stopped with the others. */
  async addWorker(spec: WorkerSpec): Promise<WorkerProcess> {
    const worker = await startWorker(spec);
    this.workers.push(worker);
    return worker;
  }

  /** Stops the workers started so far (before a Redis of a test's own goes away). */
  async stopWorkers(): Promise<void> {
    await stopWorkers(this.workers.splice(0));
  }

  /**
   * Stops every worker, deletes every prefix on the file's Redis (those on
   * a Redis of a test's own went with it), gives that Redis back and
   * removes the file's temporary folder.
   */
  async tearDown(
    redis: { url: string; stop(): Promise<void> } | undefined,
    work: string | undefined,
  ): Promise<void> {
    await this.stopWorkers();
    if (redis !== undefined) {
      for (const p of this.prefixes) await deletePrefix(redis.url, p);
      await redis.stop();
    }
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  }
}
