/**
 * What each error code means to the callers that act on it, decided once:
 * the CLI's exit status, the HTTP status an API answers with, and whether a
 * cluster job that fails with it is tried again. docs/errors.md's
 * table is checked against this one (test/error-codes.test.ts).
 */
import { ErrorCodes, isFeaturewiseError, type ErrorCode } from "./errors.js";

/** How one error code is handled. */
export interface ErrorMeaning {
  /** Exit status of the CLI: 2 a usage error, 1 a failed command. */
  readonly exitStatus: 1 | 2;
  /** HTTP status of an API answer. */
  readonly httpStatus: number;
  /**
   * True when a job failing with it is tried again (with backoff): the
   * failure may pass (I/O, a backend missing on one node). False for bad
   * input, which fails the same way every time (BullMQ's UnrecoverableError).
   */
  readonly retried: boolean;
}

/** Every code's {@link ErrorMeaning}. */
export const ERROR_TABLE: Readonly<Record<ErrorCode, ErrorMeaning>> = Object.freeze({
  [ErrorCodes.INVALID_ARGUMENT]: { exitStatus: 2, httpStatus: 400, retried: false },
  [ErrorCodes.EMPTY_SOURCE]: { exitStatus: 1, httpStatus: 422, retried: false },
  [ErrorCodes.DECODE_FAILED]: { exitStatus: 1, httpStatus: 422, retried: false },
  [ErrorCodes.SHAPE_MISMATCH]: { exitStatus: 1, httpStatus: 422, retried: false },
  [ErrorCodes.TOO_MANY_SKIPPED]: { exitStatus: 1, httpStatus: 422, retried: false },
  [ErrorCodes.ZCA_TOO_LARGE]: { exitStatus: 1, httpStatus: 422, retried: false },
  [ErrorCodes.CORRUPT_ARTIFACT]: { exitStatus: 1, httpStatus: 422, retried: false },
  [ErrorCodes.NOT_FOUND]: { exitStatus: 1, httpStatus: 404, retried: false },
  [ErrorCodes.BACKEND_UNAVAILABLE]: { exitStatus: 1, httpStatus: 503, retried: true },
  [ErrorCodes.IO_ERROR]: { exitStatus: 1, httpStatus: 502, retried: true },
  [ErrorCodes.OUTPUT_IN_USE]: { exitStatus: 1, httpStatus: 409, retried: true },
  [ErrorCodes.CANCELLED]: { exitStatus: 1, httpStatus: 409, retried: false },
  [ErrorCodes.NOT_FINISHED]: { exitStatus: 1, httpStatus: 409, retried: false },
  [ErrorCodes.JOB_FAILED]: { exitStatus: 1, httpStatus: 500, retried: false },
  [ErrorCodes.MODEL_MISMATCH]: { exitStatus: 1, httpStatus: 422, retried: false },
  [ErrorCodes.MODEL_INVALID]: { exitStatus: 1, httpStatus: 422, retried: false },
  [ErrorCodes.UNAUTHORIZED]: { exitStatus: 1, httpStatus: 401, retried: false },
  [ErrorCodes.FORBIDDEN]: { exitStatus: 1, httpStatus: 403, retried: false },
  [ErrorCodes.BODY_TOO_LARGE]: { exitStatus: 1, httpStatus: 413, retried: false },
  [ErrorCodes.RATE_LIMITED]: { exitStatus: 1, httpStatus: 429, retried: false },
});

/** What an error that is not a FeaturewiseError (a bug, a crash) means: retried, exit 1, HTTP 500. */
export const UNCLASSIFIED_ERROR: ErrorMeaning = Object.freeze({
  exitStatus: 1,
  httpStatus: 500,
  retried: true,
});

/** The {@link ErrorMeaning} of any thrown value. */
export function errorMeaning(err: unknown): ErrorMeaning {
  return isFeaturewiseError(err) ? ERROR_TABLE[err.code] : UNCLASSIFIED_ERROR;
}
