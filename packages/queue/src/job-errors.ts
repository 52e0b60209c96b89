/**
 * Which job failures are worth retrying. Bad input (a corrupt image under
 * `--on-error fail`, a source that is not there, a malformed job) fails the
 * same way every time, so it becomes BullMQ's UnrecoverableError and fails
 * the run (a fit) at once instead of after a storm of retries; everything else
 * (I/O, a backend that did not load on this node, a crash) is retried with
 * backoff.
 */
import { UnrecoverableError } from "bullmq";
import { errorMeaning, isFeaturewiseError, type ErrorCode } from "@featurewise/core";

/** An error as a job throws it: the message says where, `code` keeps the FeaturewiseError code. */
export type JobError = Error & { code?: ErrorCode };

/** True when `err` fails the same way on every attempt (core's ERROR_TABLE says which codes). */
export function isPermanentError(err: unknown): boolean {
  return !errorMeaning(err).retried;
}

/**
 * The error a job throws for `err`: UnrecoverableError for bad input,
 * a plain Error otherwise (an UnrecoverableError passes as it is); the message starts with `where` (a shard id, a
 * reduce node) and the FeaturewiseError code, if any, is kept as `code`.
 */
export function toJobError(err: unknown, where: string): JobError {
  if (err instanceof UnrecoverableError) return err;
  const message = `${where}: ${err instanceof Error ? err.message : String(err)}`;
  const out: JobError = isPermanentError(err)
    ? new UnrecoverableError(message)
    : new Error(message, { cause: err });
  if (isFeaturewiseError(err)) out.code = err.code;
  return out;
}

/** A job that no registered kind runs (a name its queue does not know): it would fail the same way on every attempt. */
export function unknownJobName(name: string, queue: string): UnrecoverableError {
  return new UnrecoverableError(
    `unknown job name ${JSON.stringify(name)} on queue ${JSON.stringify(queue)}: its jobs are named ${JSON.stringify(queue)}`,
  );
}
