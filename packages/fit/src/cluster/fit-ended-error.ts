import { runEndedError, type JobError } from "@featurewise/queue";

/** Thrown when a job of a fit that already failed or was cancelled comes up: no work, no retry. */
export function fitEndedError(fitId: string, state: string): JobError {
  return runEndedError(fitId, state);
}
