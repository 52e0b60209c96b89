import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { runFailedError } from "@featurewise/queue/client";
import type { Storage } from "@featurewise/storage";
import type { PredictManifest } from "../pipeline/manifest.js";
import type { PredictStatus } from "./predict-state.js";

/** A finished prediction as the embedded one reports it: its manifest and output folder. */
export interface PredictRunResult {
  readonly manifest: PredictManifest;
  /** The output folder, as a URI. */
  readonly location: string;
}

/** The error for a predict run id that has no record under the client's queue prefix. */
export function unknownPredictError(predictId: string, prefix: string): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.NOT_FOUND,
    `no predict run ${predictId} under queue prefix "${prefix}" (never submitted, or expired)`,
  );
}

/** The error a run that did not succeed ends with: the first failure's code and message. */
export function predictFailedError(status: PredictStatus): FeaturewiseError {
  return runFailedError(status.predictId, status);
}

/** Reads the finished run's manifest.json from its output. */
export async function readPredictResult(storage: Storage, out: string): Promise<PredictRunResult> {
  const store = storage.open(out);
  const text = new TextDecoder().decode(await store.get("manifest.json"));
  return { manifest: JSON.parse(text) as PredictManifest, location: store.root };
}
