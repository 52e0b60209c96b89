/**
 * A kind of cluster job, as one registration: its queue, how its data is
 * validated, where it runs (a sandbox thread for CPU-bound work, else the
 * worker process' main thread), the context its jobs share, a warm-up for
 * that context, the work itself, and hooks that keep the job's run record
 * current. The worker process and the sandbox threads only iterate over
 * registered kinds (job-registry.ts); nothing here knows what a fit is, so
 * a new kind of job (a predict run's) is one module plus its registration.
 */
import type { Redis } from "ioredis";
import type { StorageConfig } from "@featurewise/storage";
import type { FaultPlan } from "./faults.js";
import type { RunStateStore } from "./run-state.js";

/** What a worker process tells the contexts of its job kinds (on a sandbox thread: as `workerData`). */
export interface WorkerSettings {
  /** The queue whose jobs this thread (or Worker) runs. */
  readonly queue: string;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly storage: StorageConfig;
  /** Backend for jobs that ask for "auto". */
  readonly backend: string;
  /** Decode threads per sandbox thread. */
  readonly decodeThreads: number;
  readonly faults: FaultPlan | null;
  /** Modules whose `jobKinds` the thread registers (file URLs or package specifiers). */
  readonly jobModules: readonly string[];
  /** Settings of particular job kinds, by name (the predict kinds' `modelCacheBytes`, `device`, ...). */
  readonly kindOptions: Readonly<Record<string, string | number>>;
}

/** Where a kind's context is made. */
export interface JobEnvironment {
  readonly settings: WorkerSettings;
  /** The worker process' Redis connection on its main thread; null on a sandbox thread. */
  readonly connection: Redis | null;
}

/** What a job's processor sees of its BullMQ job. */
export interface JobInfo {
  readonly id?: string | undefined;
  /** Attempts that failed before this one. */
  readonly attemptsMade: number;
}

/** What the completion hooks get, on the worker process' main thread. */
export interface RunHooks {
  /** The run records (any kind of run). */
  readonly runs: RunStateStore;
  readonly log: (line: string) => void;
}

/** One kind of job; see the module comment. P: its validated data, R: its result, C: its context. */
export interface JobKind<P = unknown, R = unknown, C = unknown> {
  /** The queue, and the name of every job on it: a job of another name on it fails at once. */
  readonly queue: string;
  /** True: runs on a sandbox thread (BullMQ `useWorkerThreads`), so it never blocks lock renewal. */
  readonly onThread: boolean;
  /** Validates a job's data. @throws FeaturewiseError INVALID_ARGUMENT (the job fails unrecoverably) */
  parse(data: unknown): P;
  /** The run a job belongs to, read from its raw data (null when it names none). */
  runId(data: unknown): string | null;
  /** Where a failure happened, for messages: a shard id, "finalize". */
  where(p: P): string;
  /** Makes the context the kind's jobs share: once per sandbox thread, or once per worker process. */
  context(env: JobEnvironment): C;
  /** Starts what the jobs will need (a decode pool, a backend) before the first job comes. */
  warm?(ctx: C): void;
  /** Releases a main-thread context when the worker stops. */
  close?(ctx: C): Promise<void>;
  /** The work. The result is stored in Redis: keep it small. */
  run(p: P, ctx: C, job: JobInfo): Promise<R>;
  /** On the main thread, when a job of this kind starts. */
  onActive?(runId: string, hooks: RunHooks): Promise<void>;
  /** On the main thread, when a job of this kind completed with `result`. */
  onCompleted?(runId: string, result: R, hooks: RunHooks): Promise<void>;
}

/** Any registered kind. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobKind = JobKind<any, any, any>;

/** Declares a job kind (types inferred from its members). */
export function defineJob<P, R, C>(kind: JobKind<P, R, C>): JobKind<P, R, C> {
  return kind;
}

/**
 * A kind's `runId`: the run its jobs' data names in `field` ("fitId",
 * "predictId"), read before the data is validated (null when it is not a string).
 */
export function runIdIn(field: string): (data: unknown) => string | null {
  return (data) => {
    const id = (data as Record<string, unknown> | null)?.[field];
    return typeof id === "string" ? id : null;
  };
}
