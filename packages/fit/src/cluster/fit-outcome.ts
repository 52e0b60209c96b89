import {
  ErrorCodes,
  FeaturewiseError,
  parseStatsDocument,
  ARTIFACT_FILES,
} from "@featurewise/core";
import { runFailedError } from "@featurewise/queue/client";
import type { Storage } from "@featurewise/storage";
import type { FitResult } from "../embedded-fit.js";
import type { FitStatus } from "./fit-state.js";

/** The error for a fit id that has no record under the client's queue prefix. */
export function unknownFitError(fitId: string, prefix: string): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.NOT_FOUND,
    `no fit ${fitId} under queue prefix "${prefix}" (never submitted, or expired)`,
  );
}

/** The error a fit that did not succeed ends with: the first failure's code and message. */
export function fitFailedError(status: FitStatus): FeaturewiseError {
  return runFailedError(status.fitId, status);
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
