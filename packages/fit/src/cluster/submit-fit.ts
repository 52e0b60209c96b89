import { parseLocation } from "@featurewise/storage";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { FitOptions } from "../fit-options.js";
import type { FitClient } from "./fit-client.js";
import { DEFAULT_RETRY, type RetrySettings } from "@featurewise/queue/client";
import { jobOptions } from "./fit-flow.js";
import { jobIds, newFitId } from "./fit-names.js";
import { parsePayload, type CoordinatorPayload } from "./payloads.js";

/**
 * Submits a fit to the cluster: records it and queues its coordinator job,
 * which lists the source, plans the shards and adds the fit's flow. Returns
 * at once with the fit's id. Local paths are made absolute here, since the
 * workers do not share this process' working directory (they must see the
 * same files: one machine, or a shared filesystem).
 * @throws FeaturewiseError INVALID_ARGUMENT when the options do not validate
 */
export async function submitFit(
  client: FitClient,
  options: FitOptions,
  retry: RetrySettings = DEFAULT_RETRY,
): Promise<string> {
  const fitId = newFitId();
  const submittedAt = Date.now();
  const payload: CoordinatorPayload = parsePayload("coordinator", {
    v: 1,
    fitId,
    submittedAt,
    options: { ...options, source: absolute(options.source), out: absolute(options.out) },
    retry,
  });
  const created = await client.fits.create(
    fitId,
    payload.options.source,
    payload.options.out,
    submittedAt,
  );
  if (!created)
    throw new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, `fit id ${fitId} is already taken`);
  await client
    .queue("coordinator")
    .add("coordinator", payload, jobOptions(jobIds.coordinator(fitId), retry));
  return fitId;
}

function absolute(location: string): string {
  const loc = parseLocation(location);
  return loc.scheme === "file" ? loc.path : location;
}
