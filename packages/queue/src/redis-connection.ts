/**
 * Redis connections made the way BullMQ's production guide asks:
 * - workers (and everything inside a worker process): `maxRetriesPerRequest:
 *   null`, so commands wait through a Redis restart instead of failing the
 *   job, and the offline queue on, so they are sent once Redis is back;
 * - the submitting CLI: the offline queue off and few retries, so a
 *   missing Redis is reported at once instead of hanging.
 */
import { Redis } from "ioredis";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { redactRedisUrl } from "./redis-url.js";

/** Who holds a connection; decides its retry behaviour (see the module comment). */
export type RedisRole = "worker" | "client";

/**
 * A connection for `role`. "client" connections start lazily: call
 * {@link connectClient} to connect with a clear error when Redis is not there.
 */
export function createRedis(url: string, role: RedisRole, name?: string): Redis {
  const connectionName = name ?? `featurewise-${role}`;
  // Reconnect forever, backing off to 2 s: a restarted Redis is picked up again.
  const retryStrategy = (times: number): number => Math.min(100 * 2 ** Math.min(times, 5), 2000);
  const redis =
    role === "worker"
      ? new Redis(url, {
          connectionName,
          retryStrategy,
          maxRetriesPerRequest: null,
          enableOfflineQueue: true,
        })
      : new Redis(url, {
          connectionName,
          retryStrategy,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          lazyConnect: true,
          connectTimeout: 5000,
        });
  // Connection errors are retried above; without a listener ioredis prints each one.
  redis.on("error", () => {});
  return redis;
}

/**
 * Connects a "client" connection, failing within `timeoutMs` with a message
 * that names the (redacted) URL when Redis does not answer.
 * @throws FeaturewiseError IO_ERROR
 */
export async function connectClient(redis: Redis, url: string, timeoutMs = 5000): Promise<void> {
  if (redis.status === "ready") return;
  let timer: NodeJS.Timeout | undefined;
  let lastError: Error | null = null;
  const onError = (err: Error): void => {
    lastError = err;
  };
  redis.on("error", onError);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    if (redis.status === "wait") await Promise.race([redis.connect(), timeout]);
    await Promise.race([redis.ping(), timeout]);
  } catch (cause) {
    redis.disconnect();
    const err = lastError ?? cause;
    const why = err instanceof Error ? err.message : String(err);
    throw new FeaturewiseError(
      ErrorCodes.IO_ERROR,
      `cannot reach Redis at ${redactRedisUrl(url)}: ${why}`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
    redis.off("error", onError);
  }
}

/**
 * Redis' `maxmemory-policy`, or null when the server does not say (managed
 * Redis may refuse CONFIG; INFO is tried next). BullMQ needs "noeviction":
 * any other policy lets Redis drop job keys under memory pressure.
 */
export async function readEvictionPolicy(redis: Redis): Promise<string | null> {
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === "string") return reply[1];
    if (reply !== null && typeof reply === "object") {
      const v = (reply as Record<string, unknown>)["maxmemory-policy"];
      if (typeof v === "string") return v;
    }
  } catch {
    // CONFIG is often disabled on managed Redis.
  }
  try {
    const info = await redis.info("memory");
    return /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? null;
  } catch {
    return null;
  }
}
