import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { wakeOnRunChange } from "@featurewise/queue/client";
import type { Storage } from "@featurewise/storage";
import type { FitResult } from "../embedded-fit.js";
import type { FitClient } from "./fit-client.js";
import type { FinalizeJobResult } from "./finalize-job.js";
import { jobIds } from "./fit-names.js";
import { fitFailedError, readFitResult, unknownFitError } from "./fit-outcome.js";
import type { FitStatus } from "./fit-state.js";

/** What a watcher sees on each poll. */
export interface WatchProgress {
  readonly status: FitStatus;
  /** False while Redis does not answer (the status is the last one read). */
  readonly connected: boolean;
  /** True when the fit has waited 10 s in the queue and no worker serves it. */
  readonly noWorkers: boolean;
}

/** How {@link watchFit} polls. */
export interface WatchOptions {
  /**
   * Between reads of the fit's record (one HGETALL), for the progress shown.
   * A change of state (the end, above all) is read at once: the watcher
   * hears it on the record's channel. @defaultValue 100
   */
  readonly pollMs?: number;
  /** Give up when Redis has not answered for this long. @defaultValue 300000 (5 min) */
  readonly unreachableTimeoutMs?: number;
}

/**
 * Follows a submitted fit until it ends: resolves with the artifact (as the
 * embedded fit does), or rejects with the fit's first failure. Survives a
 * Redis restart: polls fail until Redis is back, then go on.
 * @throws FeaturewiseError NOT_FOUND for an unknown fit id; the failure's
 *   code when the fit failed
 */
export async function watchFit(
  client: FitClient,
  storage: Storage,
  fitId: string,
  onProgress: (p: WatchProgress) => void = () => {},
  options: WatchOptions = {},
): Promise<FitResult> {
  const pollMs = options.pollMs ?? 100;
  const unreachableMs = options.unreachableTimeoutMs ?? 300_000;
  let last: FitStatus | null = null;
  let lostSince: number | null = null;
  let lastJobCheck = Date.now();
  let noWorkers = false;
  const changes = wakeOnRunChange(client, fitId);
  try {
    for (;;) {
      let status: FitStatus | null;
      try {
        status = await client.fits.read(fitId);
        lostSince = null;
      } catch (err) {
        lostSince ??= Date.now();
        if (Date.now() - lostSince > unreachableMs) {
          throw new FeaturewiseError(
            ErrorCodes.IO_ERROR,
            `lost Redis for ${Math.round(unreachableMs / 1000)} s while watching fit ${fitId} (it may still run: featurewise status ${fitId}): ${String(err)}`,
            { cause: err },
          );
        }
        if (last !== null) onProgress({ status: last, connected: false, noWorkers });
        await changes.pause(pollMs);
        continue;
      }
      if (status === null) {
        throw unknownFitError(fitId, client.prefix);
      }
      last = status;
      if (status.state === "succeeded" && status.artifact !== null)
        return readFitResult(storage, status.artifact);
      if (status.state === "failed" || status.state === "cancelled") throw fitFailedError(status);
      onProgress({ status, connected: true, noWorkers });
      if (Date.now() - lastJobCheck > 2000) {
        lastJobCheck = Date.now();
        noWorkers =
          status.state === "queued" &&
          Date.now() - status.submittedAt > 10_000 &&
          (await client
            .queue("coordinator")
            .getWorkersCount()
            .catch(() => 1)) === 0;
        const ended = await endedByJobs(client, status).catch(() => null);
        if (ended !== null) {
          if (ended.state === "succeeded") return readFitResult(storage, ended.artifact);
          throw fitFailedError(ended.status);
        }
      }
      await changes.pause(pollMs);
    }
  } finally {
    changes.stop();
  }
}

/**
 * A fit whose record missed its end (the worker that finished it died
 * before writing it), told from its root jobs' states.
 */
async function endedByJobs(
  client: FitClient,
  status: FitStatus,
): Promise<
  { state: "succeeded"; artifact: string } | { state: "failed"; status: FitStatus } | null
> {
  const roots = [
    await client.queue("finalize").getJob(jobIds.finalize(status.fitId)),
    await client.queue("coordinator").getJob(jobIds.coordinator(status.fitId)),
  ];
  for (const job of roots) {
    if (job === undefined) continue;
    const state = await job.getState();
    if (state === "completed" && job.name === "finalize")
      return { state: "succeeded", artifact: (job.returnvalue as FinalizeJobResult).artifact };
    if (state === "failed") {
      const failure = status.failure ?? {
        code: null,
        message: job.failedReason,
        job: job.id ?? "",
      };
      return { state: "failed", status: { ...status, state: "failed", failure } };
    }
  }
  return null;
}
