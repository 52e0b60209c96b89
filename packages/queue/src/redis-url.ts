/**
 * Checking and redacting Redis URLs. Kept apart from the connection code so
 * that the CLI can validate `--redis` without loading ioredis.
 */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/**
 * Checks a Redis URL (from `--redis` or `REDIS_URL`): `redis://[user:pass@]host[:port][/db]`
 * or `rediss://` for TLS.
 * @returns the URL without surrounding white space
 * @throws FeaturewiseError INVALID_ARGUMENT naming where the value came from
 */
export function parseRedisUrl(value: string, origin: string): string {
  const url = value.trim();
  if (!isRedisUrl(url)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${origin} ${JSON.stringify(redactRedisUrl(value))}: expected a URL like redis://host:6379 or rediss://host:6380/0`,
    );
  }
  return url;
}

function isRedisUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "redis:" || u.protocol === "rediss:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
