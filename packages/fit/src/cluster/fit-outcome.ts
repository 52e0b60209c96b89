import {
  ErrorCodes,
  FeaturewiseError,
  parseStatsDocument,
  ARTIFACT_FILES,
  type ErrorCode,
} from "@featurewise/core";
import type { Storage } from "@featurewise/storage";
import type { FitResult } from "../embedded-fit.js";
import type { FitStatus } from "./fit-state.js";

/**
 * Codes for a cancelled fit and for a job that failed without a
 * FeaturewiseError (it crashed, or stalled past its limit).
 */
const CLUSTER_CODES: { readonly cancelled: ErrorCode; readonly jobFailed: ErrorCode } = {
  cancelled: ErrorCodes.CANCELLED,
  jobFailed: ErrorCodes.JOB_FAILED,
};

/** The error for a fit id that has no record under the client's queue prefix. */
export function unknownFitError(fitId: string, prefix: string): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.NOT_FOUND,
    `no fit ${fitId} under queue prefix "${prefix}" (never submitted, or expired)`,
  );
}

/** The error a fit that did not succeed ends with: the first failure's code and message. */
export function fitFailedError(status: FitStatus): FeaturewiseError {
  if (status.state === "cancelled") {
    return new FeaturewiseError(CLUSTER_CODES.cancelled, `fit ${status.fitId} was cancelled`);
  }
  const f = status.failure;
  return new FeaturewiseError(
    f?.code ?? CLUSTER_CODES.jobFailed,
    `fit ${status.fitId} failed: ${f === null ? "unknown reason" : f.message}` +
      (f !== null && f.job !== "" ? ` (job ${f.job})` : ""),
  );
}

/** The finished fit as the embedded fit reports it: its stats.json and location. */
export async function readFitResult(storage: Storage, artifact: string): Promise<FitResult> {
  const store = storage.open(artifact);
  const text = new TextDecoder().decode(await store.get(ARTIFACT_FILES.stats));
  return {
    stats: parseStatsDocument(text, store.uriOf(ARTIFACT_FILES.stats)),
    location: store.root,
  };
}
