import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { runKind, type RunFailure } from "./run-state.js";

/**
 * The error a run that did not succeed ends with, for whoever watched it
 * (`fit --redis`, `predict --redis`): CANCELLED, else its first failure's
 * code and message (JOB_FAILED for a job that crashed or stalled past its
 * limit without a FeaturewiseError). The message names the run by its kind
 * and id: "fit fit-… failed: … (job …)".
 */
export function runFailedError(
  runId: string,
  status: { readonly state: string; readonly failure: RunFailure | null },
): FeaturewiseError {
  const named = `${runKind(runId)} ${runId}`;
  if (status.state === "cancelled") {
    return new FeaturewiseError(ErrorCodes.CANCELLED, `${named} was cancelled`);
  }
  const f = status.failure;
  return new FeaturewiseError(
    f?.code ?? ErrorCodes.JOB_FAILED,
    `${named} failed: ${f === null ? "unknown reason" : f.message}` +
      (f !== null && f.job !== "" ? ` (job ${f.job})` : ""),
  );
}
