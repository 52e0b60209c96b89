/**
 * Watching a run of any kind until it ends (`watchRun`: the fit's and the
 * predict run's watchers), with a pause between reads of its record that
 * ends early when the run's state changes (heard on the record's channel),
 * so a watcher sees a run's end at once and still polls for progress.
 */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { ClusterClient } from "./cluster-client.js";
import type { JobRef } from "./remove-run-jobs.js";
import type { RunFailure } from "./run-state.js";

/** Pauses of a watcher of `runId`; call `stop` when done watching. */
export interface RunChangeWaiter {
  /** Waits `ms`, or less when the run's state changes (or changed since the last wait). */
  pause(ms: number): Promise<void>;
  stop(): void;
}

/** See the module comment. */
export function wakeOnRunChange(client: ClusterClient, runId: string): RunChangeWaiter {
  let changed = false;
  let wake: (() => void) | null = null;
  const stop = client.onRunChange(runId, () => {
    changed = true;
    wake?.();
  });
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (changed) {
        changed = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        changed = false;
        wake = null;
        resolve();
      }
      wake = done;
    });
  return { pause, stop };
}

/** The fields of a run's record the watcher reads, whatever the kind of run. */
export interface WatchedStatus {
  readonly state: string;
  /** Epoch ms. */
  readonly submittedAt: number;
  readonly failure: RunFailure | null;
}

/** What a watcher sees on each poll. */
export interface RunWatchProgress<S> {
  readonly status: S;
  /** False while Redis does not answer (the status is the last one read). */
  readonly connected: boolean;
  /** True when the run has waited 10 s in the queue and no worker serves it. */
  readonly noWorkers: boolean;
}

/** How {@link watchRun} polls. */
export interface RunWatchOptions {
  /**
   * Between reads of the run's record (one HGETALL), for the progress shown.
   * A change of state (the end, above all) is read at once: the watcher
   * hears it on the record's channel. @defaultValue 100
   */
  readonly pollMs?: number;
  /** Give up when Redis has not answered for this long. @defaultValue 300000 (5 min) */
  readonly unreachableTimeoutMs?: number;
}

/** What {@link watchRun} needs to know of one run of one kind. */
export interface WatchedRun<S extends WatchedStatus, R> {
  readonly id: string;
  /** The run as messages name it (`fit <id>`, `<id>`). */
  readonly label: string;
  /** The run's record; null when there is none. */
  read(): Promise<S | null>;
  /** The error for a run id with no record. */
  unknown(): Error;
  /**
   * The result of a run whose record says it succeeded; null while it runs.
   * Throws the run's failure when it failed or was cancelled.
   */
  settle(status: S): Promise<R> | null;
  /** The job that starts the run: no worker on its queue means nobody takes the run. */
  readonly firstJob: JobRef;
  /** The job whose completion ends the run. */
  readonly finalJob: JobRef;
  /** The record of a run whose final job completed with `returnvalue`. */
  succeededByJob(status: S, returnvalue: unknown): S;
}

/**
 * Follows a submitted run until it ends: resolves with `run.settle`'s result,
 * or rejects with the run's first failure. Survives a Redis restart: polls
 * fail until Redis is back, then go on. Every 2 s it also looks at the run's
 * root jobs, for a run whose record missed its end (the worker that finished
 * it died before writing it), and at whether any worker serves a run still
 * queued.
 * @throws FeaturewiseError IO_ERROR after `unreachableTimeoutMs` without Redis
 */
export async function watchRun<S extends WatchedStatus, R>(
  client: ClusterClient,
  run: WatchedRun<S, R>,
  onProgress: (p: RunWatchProgress<S>) => void = () => {},
  options: RunWatchOptions = {},
): Promise<R> {
  const pollMs = options.pollMs ?? 100;
  const unreachableMs = options.unreachableTimeoutMs ?? 300_000;
  let last: S | null = null;
  let lostSince: number | null = null;
  let lastJobCheck = Date.now();
  let noWorkers = false;
  const changes = wakeOnRunChange(client, run.id);
  try {
    for (;;) {
      let status: S | null;
      try {
        status = await run.read();
        lostSince = null;
      } catch (err) {
        lostSince ??= Date.now();
        if (Date.now() - lostSince > unreachableMs) {
          throw new FeaturewiseError(
            ErrorCodes.IO_ERROR,
            `lost Redis for ${Math.round(unreachableMs / 1000)} s while watching ${run.label} (it may still run: featurewise status ${run.id}): ${String(err)}`,
            { cause: err },
          );
        }
        if (last !== null) onProgress({ status: last, connected: false, noWorkers });
        await changes.pause(pollMs);
        continue;
      }
      if (status === null) throw run.unknown();
      last = status;
      const settled = run.settle(status);
      if (settled !== null) return settled;
      onProgress({ status, connected: true, noWorkers });
      if (Date.now() - lastJobCheck > 2000) {
        lastJobCheck = Date.now();
        noWorkers =
          status.state === "queued" &&
          Date.now() - status.submittedAt > 10_000 &&
          (await client
            .queue(run.firstJob.queue)
            .getWorkersCount()
            .catch(() => 1)) === 0;
        const ended = await endedByJobs(client, run, status).catch(() => null);
        if (ended !== null) {
          const result = run.settle(ended);
          if (result !== null) return result;
        }
      }
      await changes.pause(pollMs);
    }
  } finally {
    changes.stop();
  }
}

/** The record of a run that ended without its record saying so, told from its root jobs. */
async function endedByJobs<S extends WatchedStatus, R>(
  client: ClusterClient,
  run: WatchedRun<S, R>,
  status: S,
): Promise<S | null> {
  const roots = [run.finalJob, run.firstJob];
  for (const ref of roots) {
    const job = await client.queue(ref.queue).getJob(ref.id);
    if (job === undefined) continue;
    const state = await job.getState();
    if (state === "completed" && ref === run.finalJob)
      return run.succeededByJob(status, job.returnvalue);
    if (state === "failed") {
      // The record read a moment ago may have missed the failure its worker just wrote.
      const failure = (await run.read())?.failure ??
        status.failure ?? {
          code: null,
          message: job.failedReason,
          job: job.id ?? "",
        };
      // Every kind's record has a "failed" state and a RunFailure of this shape.
      return { ...status, state: "failed", failure } as S;
    }
  }
  return null;
}
