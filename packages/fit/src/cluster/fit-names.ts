/**
 * Deterministic names of everything a fit creates: job ids, and the keys of
 * its intermediate objects under the artifact's location. The same fit id
 * always gives the same names, so a resubmitted or retried job finds (and
 * overwrites with the same bytes) what an earlier attempt wrote.
 */
import { newRunId } from "@featurewise/queue/client";
import { joinKey } from "@featurewise/storage";

/** Job ids of a fit's jobs. */
export const jobIds = {
  coordinator: (fitId: string): string => `${fitId}-coordinator`,
  shard: (fitId: string, index: number): string => `${fitId}-shard-${index}`,
  /** `level` counts from 1 (level 0 is the shards), `index` from 0 within the level. */
  reduce: (fitId: string, level: number, index: number): string =>
    `${fitId}-reduce-${level}-${index}`,
  finalize: (fitId: string): string => `${fitId}-finalize`,
};

/** Key of a fit's folder of intermediate objects, relative to the artifact's store. */
export function runPrefix(fitId: string): string {
  return joinKey(".featurewise", fitId);
}

/**
 * A node of the merge tree as stored: `<base>.fwm` holds its moments,
 * `<base>.skipped.json` its image count and skipped inputs.
 */
export interface NodeKeys {
  readonly moments: string;
  readonly sidecar: string;
}

function nodeKeys(base: string): NodeKeys {
  return { moments: `${base}.fwm`, sidecar: `${base}.skipped.json` };
}

/** Keys of a shard's partial, e.g. `.featurewise/<fitId>/partials/shard-000042.fwm`. */
export function shardKeys(fitId: string, shardId: string): NodeKeys {
  return nodeKeys(joinKey(runPrefix(fitId), "partials", shardId));
}

/** Keys of reduce node `index` of `level` (from 1), e.g. `.featurewise/<fitId>/reduce/1-000003.fwm`. */
export function reduceKeys(fitId: string, level: number, index: number): NodeKeys {
  return nodeKeys(
    joinKey(runPrefix(fitId), "reduce", `${level}-${String(index).padStart(6, "0")}`),
  );
}

/** Key of the fit's plan (shard specs, image shape, listing fingerprint). */
export function planKey(fitId: string): string {
  return joinKey(runPrefix(fitId), "plan.json");
}

/** Key of the marker finalize writes once the artifact is complete. */
export function doneKey(fitId: string): string {
  return joinKey(runPrefix(fitId), "done.json");
}

/** A new fit id: `fit-<UTC yyyymmdd-hhmmss>-<6 hex>`. */
export function newFitId(now: Date = new Date()): string {
  return newRunId("fit", now);
}
