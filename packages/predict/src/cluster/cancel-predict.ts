import { removeRunJobs } from "@featurewise/queue/client";
import type { PredictClient } from "./predict-client.js";
import { PREDICT_QUEUES, predictJobIds } from "./predict-names.js";
import { unknownPredictError } from "./predict-outcome.js";
import type { PredictState } from "./predict-state.js";

/** What {@link cancelPredict} did. */
export interface CancelPredictResult {
  /** The run's state afterwards ("cancelled", or the final state it already had). */
  readonly state: PredictState;
  /** True when this call cancelled it. */
  readonly cancelled: boolean;
  /** True when its queued jobs were removed; otherwise they end as workers take them. */
  readonly jobsRemoved: boolean;
}

/**
 * Cancels a predict run: marks it cancelled (workers end its jobs
 * unrecoverably as they take them), then removes its jobs from the queues
 * once none of them is running. Parts already written stay (`--resume`
 * continues from them); no manifest is written.
 * @throws FeaturewiseError NOT_FOUND for an unknown run id
 */
export async function cancelPredict(
  client: PredictClient,
  predictId: string,
): Promise<CancelPredictResult> {
  const status = await client.predictions.read(predictId);
  if (status === null) throw unknownPredictError(predictId, client.prefix);
  const cancelled = await client.predictions.setState(predictId, "cancelled");
  if (!cancelled) return { state: status.state, cancelled: false, jobsRemoved: false };
  const jobsRemoved = await removeRunJobs(
    client,
    { queue: PREDICT_QUEUES.plan, id: predictJobIds.plan(predictId) },
    { queue: PREDICT_QUEUES.manifest, id: predictJobIds.manifest(predictId) },
  );
  return { state: "cancelled", cancelled: true, jobsRemoved };
}
