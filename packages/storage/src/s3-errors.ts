import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** Network error codes that a later attempt may not see. */
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);

const TRANSIENT_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "InternalError",
  "ServiceUnavailable",
  "BodyReadError",
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: unknown;
  cause?: unknown;
}

/** The HTTP status of an SDK error, when it got a response. */
export function httpStatusOf(err: unknown): number | undefined {
  return (err as SdkErrorShape | null)?.$metadata?.httpStatusCode;
}

/**
 * True when `err` (or its cause) looks like a failure that a later attempt
 * may not see: a dropped or refused connection, a timeout, throttling, a 5xx.
 */
export function isTransientError(err: unknown): boolean {
  for (let e = err as SdkErrorShape | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code !== undefined && TRANSIENT_CODES.has(e.code)) return true;
    if (e.name !== undefined && TRANSIENT_NAMES.has(e.name)) return true;
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined && (status >= 500 || status === 429)) return true;
    if (e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false) return true;
    e = e.cause as SdkErrorShape | undefined;
  }
  return false;
}

/** Where a failed request went, for messages. */
export interface RequestTarget {
  /** What was attempted: "read", "write", "list", "stat", "delete". */
  readonly op: string;
  /** The object or prefix, as a URI. */
  readonly uri: string;
  readonly bucket: string;
  /** The S3 endpoint, or undefined for AWS. */
  readonly endpoint: string | undefined;
}

/**
 * Turns an AWS SDK (or network) error into a FeaturewiseError whose message
 * names the URI and says what went wrong in plain words; the error is kept
 * as `cause`. Missing buckets and objects become NOT_FOUND, everything
 * else IO_ERROR.
 */
export function toStoreError(err: unknown, t: RequestTarget): FeaturewiseError {
  if (err instanceof FeaturewiseError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const status = httpStatusOf(err);
  const name = e.name ?? "Error";
  const code = e.code ?? (e.cause as SdkErrorShape | undefined)?.code;
  const attempts = e.$metadata?.attempts;
  const tries = attempts !== undefined && attempts > 1 ? ` (after ${attempts} attempts)` : "";
  const at = t.endpoint ?? "AWS S3";
  const fail = (c: typeof ErrorCodes.NOT_FOUND | typeof ErrorCodes.IO_ERROR, why: string) =>
    new FeaturewiseError(c, `cannot ${t.op} ${t.uri}: ${why}`, { cause: err });

  if (name === "NoSuchBucket")
    return fail(ErrorCodes.NOT_FOUND, `bucket "${t.bucket}" does not exist`);
  if (name === "NoSuchKey" || name === "NotFound" || status === 404) {
    return fail(ErrorCodes.NOT_FOUND, "no such object");
  }
  if (name === "AccessDenied" || name === "Forbidden" || status === 403) {
    return fail(
      ErrorCodes.IO_ERROR,
      `access denied (HTTP 403 ${name}); check the credentials and the bucket's policy`,
    );
  }
  if (name === "InvalidAccessKeyId" || name === "SignatureDoesNotMatch") {
    return fail(ErrorCodes.IO_ERROR, `the credentials were rejected (${name})`);
  }
  if (name === "CredentialsProviderError") {
    return fail(
      ErrorCodes.IO_ERROR,
      "no AWS credentials were found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)",
    );
  }
  if (code === "ECONNREFUSED") {
    return fail(ErrorCodes.IO_ERROR, `the S3 endpoint ${at} refused the connection${tries}`);
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return fail(ErrorCodes.IO_ERROR, `the S3 endpoint ${at} cannot be resolved${tries}`);
  }
  if (name === "TimeoutError" || code === "ETIMEDOUT") {
    return fail(ErrorCodes.IO_ERROR, `the S3 endpoint ${at} timed out${tries}`);
  }
  const detail = firstLine(e.message ?? String(err));
  const http = status === undefined ? "" : ` (HTTP ${status})`;
  const prefix = code !== undefined && !detail.includes(code) ? `${code}: ` : "";
  return fail(ErrorCodes.IO_ERROR, `${name}${http}: ${prefix}${detail}${tries}`);
}

function firstLine(s: string): string {
  const line = s.split("\n", 1)[0]?.trim() ?? "";
  return line === "" ? "unknown error" : line;
}
