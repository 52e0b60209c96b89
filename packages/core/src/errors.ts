/**
 * Stable error codes. What each one means to the CLI, an API and the job
 * queue is in error-table.ts; docs/errors.md's table is checked
 * against it.
 */
export const ErrorCodes = {
  /** A command-line or API argument has a value that is not allowed. */
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  /** The source holds no images (or none survived decoding). */
  EMPTY_SOURCE: "EMPTY_SOURCE",
  /** One input image could not be decoded (corrupt, truncated, not an image, unsupported). */
  DECODE_FAILED: "DECODE_FAILED",
  /** An image has a different shape than the fit's first image and no target size was given. */
  SHAPE_MISMATCH: "SHAPE_MISMATCH",
  /**
   * A fit skipped more images than `--max-skipped` allows (mixed sizes
   * without `--size`, a folder of non-images); the message sums up why.
   */
  TOO_MANY_SKIPPED: "TOO_MANY_SKIPPED",
  /** The whitening matrix would need more memory than the configured limit. */
  ZCA_TOO_LARGE: "ZCA_TOO_LARGE",
  /** A binary artifact (npy, npz, moments) is malformed or fails its checksum. */
  CORRUPT_ARTIFACT: "CORRUPT_ARTIFACT",
  /** An artifact, source or object was not found. */
  NOT_FOUND: "NOT_FOUND",
  /** A compute backend could not be loaded or failed. */
  BACKEND_UNAVAILABLE: "BACKEND_UNAVAILABLE",
  /** Reading or writing an object failed. */
  IO_ERROR: "IO_ERROR",
  /** Another fit is writing the same artifact location (its lock is held and fresh). */
  OUTPUT_IN_USE: "OUTPUT_IN_USE",
  /** A cluster fit was cancelled. */
  CANCELLED: "CANCELLED",
  /** A run's result was asked for before it succeeded (it is queued, running, failed or cancelled). */
  NOT_FINISHED: "NOT_FINISHED",
  /** A cluster job crashed or stalled past its retries; the message names the job. */
  JOB_FAILED: "JOB_FAILED",
  /** A model's input does not fit the images (shape, channels or layout); the message names both shapes. */
  MODEL_MISMATCH: "MODEL_MISMATCH",
  /** A model file or folder is not a model the runtime can read (corrupt, wrong format, missing weights). */
  MODEL_INVALID: "MODEL_INVALID",
  /** An API request without a valid token (none, unknown or malformed). */
  UNAUTHORIZED: "UNAUTHORIZED",
  /** An API request its key may not make: a scope it lacks, or a location outside the server's `--allow` prefixes. */
  FORBIDDEN: "FORBIDDEN",
  /** An API request's body is larger than the server's limit. */
  BODY_TOO_LARGE: "BODY_TOO_LARGE",
  /** An API key sent more requests than the server's rate limit allows. */
  RATE_LIMITED: "RATE_LIMITED",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The one error class of featurewise: a stable `code`, a message for people, the cause kept. */
export class FeaturewiseError extends Error {
  override readonly name = "FeaturewiseError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `err` is a FeaturewiseError, optionally of the given code. */
export function isFeaturewiseError(err: unknown, code?: ErrorCode): err is FeaturewiseError {
  return err instanceof FeaturewiseError && (code === undefined || err.code === code);
}
