/**
 * The BullMQ options every job of a run gets, whatever its kind: a
 * deterministic id, retries with exponential backoff, bounded retention.
 */
import type { JobsOptions } from "bullmq";
import { RETENTION_SECONDS, type RetrySettings } from "./cluster-settings.js";

/** Options of a run's job: retries with exponential backoff, bounded retention. */
export function jobOptions(jobId: string, retry: RetrySettings): JobsOptions {
  return {
    jobId,
    attempts: retry.attempts,
    backoff: { type: "exponential", delay: retry.backoffMs },
    removeOnComplete: { age: RETENTION_SECONDS.completed },
    removeOnFail: { age: RETENTION_SECONDS.failed },
  };
}

/** Options of a job under a parent: as {@link jobOptions}, and a child that fails for good fails its parent. */
export function childJobOptions(jobId: string, retry: RetrySettings): JobsOptions {
  return { ...jobOptions(jobId, retry), failParentOnFailure: true };
}

/** A new run id: `<kind>-<UTC yyyymmdd-hhmmss>-<6 hex>` (`fit-…`, `predict-…`). */
export function newRunId(kind: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace("T", "-")
    .replace(/\.\d+Z$/, "");
  const hex = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(3)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  return `${kind}-${stamp}-${hex}`;
}
