import { removeRunJobs } from "@featurewise/queue/client";
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
  const jobsRemoved = await removeRunJobs(
    client,
    { queue: "coordinator", id: jobIds.coordinator(fitId) },
    { queue: "finalize", id: jobIds.finalize(fitId) },
  );
  return { state: "cancelled", cancelled: true, jobsRemoved };
}
