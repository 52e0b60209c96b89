import { ErrorCodes, FeaturewiseError, type PredictOptions } from "@featurewise/core";
import { DEFAULT_RETRY, jobOptions, newRunId, type RetrySettings } from "@featurewise/queue/client";
import { parseLocation } from "@featurewise/storage";
import { parsePredictPayload, type PlanPayload } from "./payloads.js";
import type { PredictClient } from "./predict-client.js";
import { PREDICT_QUEUES, predictJobIds } from "./predict-names.js";

/**
 * Submits a prediction to the cluster: records it and queues its plan job,
 * which lists the source, queues one job per part and adds the manifest job.
 * Returns at once with the run's id (`predict-…`). Local paths are made
 * absolute here, since the workers do not share this process' working
 * directory (they must see the same files: one machine, or a shared filesystem).
 * @throws FeaturewiseError INVALID_ARGUMENT when the options do not validate
 */
export async function submitPredict(
  client: PredictClient,
  options: PredictOptions,
  retry: RetrySettings = DEFAULT_RETRY,
): Promise<string> {
  const predictId = newRunId("predict");
  const submittedAt = Date.now();
  const payload: PlanPayload = parsePredictPayload("plan", {
    v: 1,
    predictId,
    submittedAt,
    options: {
      ...options,
      source: absolute(options.source),
      out: absolute(options.out),
      model: absolute(options.model),
      stats: options.stats === null ? null : absolute(options.stats),
      labels: options.labels === null ? null : absolute(options.labels),
    },
    retry,
  });
  const created = await client.predictions.create(predictId, {
    source: payload.options.source,
    out: payload.options.out,
    model: payload.options.model,
    submittedAt,
  });
  if (!created) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `predict id ${predictId} is already taken`,
    );
  }
  await client
    .queue(PREDICT_QUEUES.plan)
    .add(PREDICT_QUEUES.plan, payload, jobOptions(predictJobIds.plan(predictId), retry));
  return predictId;
}

function absolute(location: string): string {
  const loc = parseLocation(location);
  return loc.scheme === "file" ? loc.path : location;
}
