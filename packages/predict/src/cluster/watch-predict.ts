import { watchRun, type RunWatchOptions, type RunWatchProgress } from "@featurewise/queue/client";
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
export type PredictWatchProgress = RunWatchProgress<PredictStatus>;

/** How {@link watchPredict} polls. */
export type PredictWatchOptions = RunWatchOptions;

/**
 * Follows a submitted predict run until it ends: resolves with its manifest
 * (as the embedded predict does), or rejects with its first failure.
 * Survives a Redis restart: polls fail until Redis is back, then go on (`watchRun`).
 * @throws FeaturewiseError NOT_FOUND for an unknown run id; the failure's
 *   code when the run failed
 */
export function watchPredict(
  client: PredictClient,
  storage: Storage,
  predictId: string,
  onProgress: (p: PredictWatchProgress) => void = () => {},
  options: PredictWatchOptions = {},
): Promise<PredictRunResult> {
  const run = {
    id: predictId,
    label: predictId,
    read: () => client.predictions.read(predictId),
    unknown: () => unknownPredictError(predictId, client.prefix),
    settle(status: PredictStatus): Promise<PredictRunResult> | null {
      if (status.state === "succeeded") return readPredictResult(storage, status.out);
      if (status.state === "failed" || status.state === "cancelled")
        throw predictFailedError(status);
      return null;
    },
    firstJob: { queue: PREDICT_QUEUES.plan, id: predictJobIds.plan(predictId) },
    finalJob: { queue: PREDICT_QUEUES.manifest, id: predictJobIds.manifest(predictId) },
    succeededByJob: (status: PredictStatus): PredictStatus => ({ ...status, state: "succeeded" }),
  };
  return watchRun(client, run, onProgress, options);
}
