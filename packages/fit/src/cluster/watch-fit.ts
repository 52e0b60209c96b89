import { watchRun, type RunWatchOptions, type RunWatchProgress } from "@featurewise/queue/client";
import type { Storage } from "@featurewise/storage";
import type { FitResult } from "../embedded-fit.js";
import type { FitClient } from "./fit-client.js";
import type { FinalizeJobResult } from "./finalize-job.js";
import { jobIds } from "./fit-names.js";
import { fitFailedError, readFitResult, unknownFitError } from "./fit-outcome.js";
import type { FitStatus } from "./fit-state.js";

/** What a watcher of a fit sees on each poll. */
export type WatchProgress = RunWatchProgress<FitStatus>;

/** How {@link watchFit} polls. */
export type WatchOptions = RunWatchOptions;

/**
 * Follows a submitted fit until it ends: resolves with the artifact (as the
 * embedded fit does), or rejects with the fit's first failure. Survives a
 * Redis restart: polls fail until Redis is back, then go on (`watchRun`).
 * @throws FeaturewiseError NOT_FOUND for an unknown fit id; the failure's
 *   code when the fit failed
 */
export function watchFit(
  client: FitClient,
  storage: Storage,
  fitId: string,
  onProgress: (p: WatchProgress) => void = () => {},
  options: WatchOptions = {},
): Promise<FitResult> {
  const run = {
    id: fitId,
    label: `fit ${fitId}`,
    read: () => client.fits.read(fitId),
    unknown: () => unknownFitError(fitId, client.prefix),
    settle(status: FitStatus): Promise<FitResult> | null {
      if (status.state === "succeeded" && status.artifact !== null)
        return readFitResult(storage, status.artifact);
      if (status.state === "failed" || status.state === "cancelled") throw fitFailedError(status);
      return null;
    },
    firstJob: { queue: "coordinator", id: jobIds.coordinator(fitId) },
    finalJob: { queue: "finalize", id: jobIds.finalize(fitId) },
    succeededByJob: (status: FitStatus, returnvalue: unknown): FitStatus => ({
      ...status,
      state: "succeeded",
      artifact: (returnvalue as FinalizeJobResult).artifact,
    }),
  };
  return watchRun(client, run, onProgress, options);
}
