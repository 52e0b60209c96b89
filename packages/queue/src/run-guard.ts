/**
 * What a sandbox thread checks before it runs a job of a run: that the run
 * has not failed or been cancelled meanwhile, so the rest of its jobs end at
 * once (unrecoverably) instead of running. Any kind of run: the fit's and
 * the predict run's jobs use it. The thread's own Redis connection is made
 * on first use.
 */
import { UnrecoverableError } from "bullmq";
import type { WorkerSettings } from "./job-kind.js";
import { createRedis } from "./redis-connection.js";
import { FINAL_STATES, runKind, RunStateStore } from "./run-state.js";

/** The error a job of a run that already failed or was cancelled ends with: no work, no retry. */
export function runEndedError(runId: string, state: string): UnrecoverableError {
  return new UnrecoverableError(`${runKind(runId)} ${runId} is ${state}; job skipped`);
}

/** See the module comment. */
export class RunGuard {
  private store: RunStateStore | null = null;
  private connection: ReturnType<typeof createRedis> | null = null;

  constructor(private readonly settings: Pick<WorkerSettings, "redisUrl" | "prefix">) {}

  /** This thread's Redis connection (made on first use). */
  redis(): ReturnType<typeof createRedis> {
    this.connection ??= createRedis(this.settings.redisUrl, "worker", "featurewise-sandbox");
    return this.connection;
  }

  /** The run records, over this thread's connection. */
  get runs(): RunStateStore {
    this.store ??= new RunStateStore(this.redis(), this.settings.prefix);
    return this.store;
  }

  /** Throws {@link runEndedError} when the run already failed or was cancelled. */
  async checkActive(runId: string): Promise<void> {
    const state = (await this.runs.readFields(runId))?.["state"];
    if (state !== undefined && FINAL_STATES.includes(state) && state !== "succeeded")
      throw runEndedError(runId, state);
  }
}
