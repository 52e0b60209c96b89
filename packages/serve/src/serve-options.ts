/** How `featurewise serve` runs; validated once at start. */
import type { Storage } from "@featurewise/storage";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { ApiKey } from "./api-keys.js";
import type { ReportRenderer } from "./console.js";

/** The server's settings. */
export interface ServeOptions {
  /** The cluster's Redis. */
  readonly redisUrl: string;
  /** Its queue prefix. */
  readonly prefix: string;
  /** @defaultValue "127.0.0.1" */
  readonly host: string;
  /** 0 takes a free port. @defaultValue 8080 */
  readonly port: number;
  /** The API keys; null serves without authentication (`--insecure-no-auth`, loopback only). */
  readonly keys: readonly ApiKey[] | null;
  /** Location prefixes every request's locations must lie under (none: every location is refused). */
  readonly allow: readonly string[];
  /** Reads artifacts (the result routes) and probes the stores (`/v1/ready`). */
  readonly storage: Storage;
  /** Largest request body in bytes. @defaultValue 65536 */
  readonly bodyLimit: number;
  /** Requests a key (or an address, before authentication) may make per minute. @defaultValue 600 */
  readonly rateLimitPerMinute: number;
  /** Time to receive a whole request, ms. @defaultValue 30000 */
  readonly requestTimeoutMs: number;
  /** Between reads of a run for its event stream, ms. @defaultValue 250 */
  readonly eventPollMs: number;
  /** Log level (pino). @defaultValue "info" */
  readonly logLevel: string;
  /** Renders a finished run's report for the console (the report package's); none shows stats.json only. */
  readonly renderReport?: ReportRenderer | undefined;
}

/** Defaults of the optional settings. */
export const SERVE_DEFAULTS = Object.freeze({
  host: "127.0.0.1",
  port: 8080,
  bodyLimit: 64 * 1024,
  rateLimitPerMinute: 600,
  requestTimeoutMs: 30_000,
  eventPollMs: 250,
  logLevel: "info",
});

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * Refuses settings that would serve unsafely: no keys away from loopback.
 * @throws FeaturewiseError INVALID_ARGUMENT naming the setting
 */
export function checkServeOptions(o: ServeOptions): ServeOptions {
  if (o.keys === null && !LOOPBACK.has(o.host)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--insecure-no-auth serves only on 127.0.0.1 (or ::1), not on --host ${o.host}: give --keys <file> (featurewise keys create)`,
    );
  }
  if (o.keys !== null && o.keys.length === 0) {
    throw new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, "--keys: the keys file holds no key");
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--port ${o.port}: expected 0 to 65535`,
    );
  }
  return Object.freeze({ ...o });
}
