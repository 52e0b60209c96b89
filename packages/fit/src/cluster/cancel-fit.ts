import type { FitClient } from "./fit-client.js";
import { jobIds } from "./fit-names.js";
import { unknownFitError } from "./fit-outcome.js";
import type { FitState } from "./fit-state.js";

/** What {@link cancelFit} did. */
export interface CancelResult {
  /** The fit's state afterwards ("cancelled", or the final state it already had). */
  readonly state: FitState;
  /** True when this call cancelled it. */
  readonly cancelled: boolean;
  /** True when its queued jobs were removed; otherwise they end as workers take them. */
  readonly jobsRemoved: boolean;
}

/**
 * Cancels a fit: marks it cancelled (workers end its jobs unrecoverably as
 * they take them, so the flow fails up to its root), then removes its flow
 * from the queues once no job of it is running.
 * @throws FeaturewiseError NOT_FOUND for an unknown fit id
 */
export async function cancelFit(client: FitClient, fitId: string): Promise<CancelResult> {
  const status = await client.fits.read(fitId);
  if (status === null) {
    throw unknownFitError(fitId, client.prefix);
  }
  const cancelled = await client.fits.setState(fitId, "cancelled");
  if (!cancelled) return { state: status.state, cancelled: false, jobsRemoved: false };
  let jobsRemoved = false;
  // A flow with a running (locked) job cannot be removed; its jobs end within a job's time.
  for (let attempt = 0; attempt < 5 && !jobsRemoved; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const coordinator = client.queue("coordinator");
    const finalize = client.queue("finalize");
    const coordinatorJob = await coordinator.getJob(jobIds.coordinator(fitId));
    if (coordinatorJob !== undefined && (await coordinatorJob.getState()) === "active") continue;
    await coordinator.remove(jobIds.coordinator(fitId));
    const root = await finalize.getJob(jobIds.finalize(fitId));
    jobsRemoved =
      root === undefined ||
      (await finalize.remove(jobIds.finalize(fitId), { removeChildren: true })) === 1;
  }
  return { state: "cancelled", cancelled: true, jobsRemoved };
}
