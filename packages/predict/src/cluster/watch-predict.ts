import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { wakeOnRunChange } from "@featurewise/queue/client";
import type { Storage } from "@featurewise/storage";
import type { PredictClient } from "./predict-client.js";
import { PREDICT_QUEUES, predictJobIds } from "./predict-names.js";
import {
  predictFailedError,
  readPredictResult,
  unknownPredictError,
  type PredictRunResult,
} from "./predict-outcome.js";
import type { PredictStatus } from "./predict-state.js";

/** What a watcher of a predict run sees on each poll. */
export interface PredictWatchProgress {
  readonly status: PredictStatus;
  /** False while Redis does not answer (the status is the last one read). */
  readonly connected: boolean;
  /** True when the run has waited 10 s in the queue and no worker serves it. */
  readonly noWorkers: boolean;
}

/** How {@link watchPredict} polls. */
export interface PredictWatchOptions {
  /** Between reads of the run's record; a change of state is heard at once. @defaultValue 100 */
  readonly pollMs?: number;
  /** Give up when Redis has not answered for this long. @defaultValue 300000 (5 min) */
  readonly unreachableTimeoutMs?: number;
}

/**
 * Follows a submitted predict run until it ends: resolves with its manifest
 * (as the embedded predict does), or rejects with its first failure.
 * Survives a Redis restart: polls fail until Redis is back, then go on.
 * @throws FeaturewiseError NOT_FOUND for an unknown run id; the failure's
 *   code when the run failed
 */
export async function watchPredict(
  client: PredictClient,
  storage: Storage,
  predictId: string,
  onProgress: (p: PredictWatchProgress) => void = () => {},
  options: PredictWatchOptions = {},
): Promise<PredictRunResult> {
  const pollMs = options.pollMs ?? 100;
  const unreachableMs = options.unreachableTimeoutMs ?? 300_000;
  let last: PredictStatus | null = null;
  let lostSince: number | null = null;
  let lastJobCheck = Date.now();
  let noWorkers = false;
  const changes = wakeOnRunChange(client, predictId);
  try {
    for (;;) {
      let status: PredictStatus | null;
      try {
        status = await client.predictions.read(predictId);
        lostSince = null;
      } catch (err) {
        lostSince ??= Date.now();
        if (Date.now() - lostSince > unreachableMs) {
          throw new FeaturewiseError(
            ErrorCodes.IO_ERROR,
            `lost Redis for ${Math.round(unreachableMs / 1000)} s while watching ${predictId} (it may still run: featurewise status ${predictId}): ${String(err)}`,
            { cause: err },
          );
        }
        if (last !== null) onProgress({ status: last, connected: false, noWorkers });
        await changes.pause(pollMs);
        continue;
      }
      if (status === null) throw unknownPredictError(predictId, client.prefix);
      last = status;
      if (status.state === "succeeded") return readPredictResult(storage, status.out);
      if (status.state === "failed" || status.state === "cancelled")
        throw predictFailedError(status);
      onProgress({ status, connected: true, noWorkers });
      if (Date.now() - lastJobCheck > 2000) {
        lastJobCheck = Date.now();
        noWorkers =
          status.state === "queued" &&
          Date.now() - status.submittedAt > 10_000 &&
          (await client
            .queue(PREDICT_QUEUES.plan)
            .getWorkersCount()
            .catch(() => 1)) === 0;
        const ended = await endedByJobs(client, status).catch(() => null);
        if (ended === "succeeded") return readPredictResult(storage, status.out);
        if (ended !== null) throw predictFailedError(ended);
      }
      await changes.pause(pollMs);
    }
  } finally {
    changes.stop();
  }
}

/**
 * A run whose record missed its end (the worker that finished it died
 * before writing it), told from its root jobs' states.
 */
async function endedByJobs(
  client: PredictClient,
  status: PredictStatus,
): Promise<"succeeded" | PredictStatus | null> {
  const roots = [
    await client.queue(PREDICT_QUEUES.manifest).getJob(predictJobIds.manifest(status.predictId)),
    await client.queue(PREDICT_QUEUES.plan).getJob(predictJobIds.plan(status.predictId)),
  ];
  for (const job of roots) {
    if (job === undefined) continue;
    const state = await job.getState();
    if (state === "completed" && job.name === PREDICT_QUEUES.manifest) return "succeeded";
    if (state === "failed") {
      const failure = status.failure ?? {
        code: null,
        message: job.failedReason,
        job: job.id ?? "",
      };
      return { ...status, state: "failed", failure };
    }
  }
  return null;
}
