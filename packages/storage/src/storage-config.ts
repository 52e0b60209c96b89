import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/**
 * How featurewise talks to S3 (or an S3-compatible server). Built once at a
 * process entry point, frozen, and passed inward; library code never reads
 * the environment.
 */
export interface S3Settings {
  /** Region to sign for; `undefined` leaves it to the SDK's default chain. @defaultValue undefined */
  readonly region: string | undefined;
  /**
   * Endpoint of an S3-compatible server (`http://127.0.0.1:9000`); `undefined`
   * for AWS itself. When set, requests use path-style addressing.
   * @defaultValue undefined
   */
  readonly endpoint: string | undefined;
  /** Attempts per request, the first included (the SDK's retry). @defaultValue 5 */
  readonly maxAttempts: number;
  /** Attempts to read one whole object body (our retry around the SDK's). @defaultValue 4 */
  readonly bodyAttempts: number;
  /** First backoff delay of our own retries; it doubles, with jitter. @defaultValue 100 */
  readonly retryBaseDelayMs: number;
  /**
   * GET requests in flight at once, shared by the stores of one `Storage`.
   * A prefix of small objects reads at most this many per round trip: at 30
   * ms a request, 64 allow ~2,100 objects/s (32 allowed ~1,070/s, which a
   * 2-core fit reached; 64 reached its CPU ceiling, ~1,500/s; see
   * bench/RESULTS.md). Raise it on machines that decode faster.
   * @defaultValue 64
   */
  readonly maxConcurrentGets: number;
  /**
   * ListObjectsV2 pages (1,000 keys each) asked for ahead of the page a
   * caller is reading, so a fit that pauses its listing while its shards
   * are busy finds the next shard's keys listed rather than waiting a round
   * trip for them. Each page held is ~1,000 keys.
   * @defaultValue 2
   */
  readonly listPagesAhead: number;
  /** A socket that stays idle this long fails the request (then it is retried). @defaultValue 30000 */
  readonly socketTimeoutMs: number;
  /** Connecting may take this long before the attempt fails. @defaultValue 5000 */
  readonly connectionTimeoutMs: number;
  /** Objects at least this large are uploaded in parts of this size. @defaultValue 8 MiB */
  readonly multipartPartBytes: number;
  /**
   * Whole-object GETs as plain signed HTTP requests rather than through
   * the SDK's middleware (about a fifth of the CPU per small object).
   * @defaultValue true
   */
  readonly directGets: boolean;
}

/** Storage configuration of a process. */
export interface StorageConfig {
  readonly s3: S3Settings;
  /**
   * Largest image read into memory: a tar member whose header declares more
   * is skipped with its size named, never read (`FEATUREWISE_MAX_IMAGE_BYTES`).
   * @defaultValue 268435456 (256 MiB)
   */
  readonly maxImageBytes: number;
}

/** Settings used when none are given: AWS itself, the SDK's region and credential chains. */
export const DEFAULT_STORAGE_CONFIG: StorageConfig = Object.freeze({
  s3: Object.freeze({
    region: undefined,
    endpoint: undefined,
    maxAttempts: 5,
    bodyAttempts: 4,
    retryBaseDelayMs: 100,
    maxConcurrentGets: 64,
    listPagesAhead: 2,
    socketTimeoutMs: 30_000,
    connectionTimeoutMs: 5_000,
    multipartPartBytes: 8 * 1024 * 1024,
    directGets: true,
  }),
  maxImageBytes: 256 * 1024 * 1024,
});

/** The environment as a plain record (pass `process.env`). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads the storage configuration from environment variables the way the
 * AWS tools do — `AWS_REGION` (or `AWS_DEFAULT_REGION`), `AWS_ENDPOINT_URL_S3`
 * then `AWS_ENDPOINT_URL`, `AWS_MAX_ATTEMPTS` — plus featurewise's own
 * `FEATUREWISE_S3_CONCURRENCY`, `FEATUREWISE_S3_TIMEOUT_MS` and
 * `FEATUREWISE_S3_DIRECT_GETS` (0 sends every GET through the SDK), and
 * `FEATUREWISE_MAX_IMAGE_BYTES` (the largest image read into memory). Credentials
 * are left to the SDK's default provider chain. Validates every value at
 * once and returns a frozen object. Call it only at a process entry point.
 */
export function readStorageConfig(env: Environment): StorageConfig {
  const d = DEFAULT_STORAGE_CONFIG.s3;
  const endpoint = nonEmpty(env["AWS_ENDPOINT_URL_S3"]) ?? nonEmpty(env["AWS_ENDPOINT_URL"]);
  const s3: S3Settings = {
    ...d,
    region: nonEmpty(env["AWS_REGION"]) ?? nonEmpty(env["AWS_DEFAULT_REGION"]),
    endpoint: endpoint === undefined ? undefined : checkEndpoint(endpoint),
    maxAttempts: intVar(env, "AWS_MAX_ATTEMPTS", d.maxAttempts, 1, 20),
    maxConcurrentGets: intVar(env, "FEATUREWISE_S3_CONCURRENCY", d.maxConcurrentGets, 1, 1024),
    socketTimeoutMs: intVar(env, "FEATUREWISE_S3_TIMEOUT_MS", d.socketTimeoutMs, 100, 3_600_000),
    directGets: intVar(env, "FEATUREWISE_S3_DIRECT_GETS", 1, 0, 1) === 1,
  };
  const maxImageBytes = intVar(
    env,
    "FEATUREWISE_MAX_IMAGE_BYTES",
    DEFAULT_STORAGE_CONFIG.maxImageBytes,
    1024,
    2 ** 32,
  );
  return Object.freeze({ s3: Object.freeze(s3), maxImageBytes });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function checkEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `S3 endpoint ${JSON.stringify(value)} (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL): expected an http:// or https:// URL`,
    );
  }
  return value.replace(/\/+$/, "");
}

function intVar(
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`,
    );
  }
  return v;
}
