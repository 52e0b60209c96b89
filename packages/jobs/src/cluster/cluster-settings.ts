/**
 * Settings shared by everyone who talks to one featurewise cluster: the
 * queue names, the Redis key prefix, and how jobs are retried.
 */

/** The queues of a fit, in the order a fit passes through them. */
export const QUEUE_NAMES = ["coordinator", "shard", "reduce", "finalize"] as const;

/** One of {@link QUEUE_NAMES}. */
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Prefix of every Redis key featurewise writes (BullMQ's `prefix`). */
export const DEFAULT_QUEUE_PREFIX = "featurewise";

/** How the jobs of a fit are retried; fixed at submission, carried by each job. */
export interface RetrySettings {
  /** Attempts per job, the first included. @defaultValue 5 */
  readonly attempts: number;
  /** First backoff delay in ms; it doubles with each attempt (BullMQ "exponential"). @defaultValue 1000 */
  readonly backoffMs: number;
}

/** Where a cluster lives and how its jobs behave. */
export interface ClusterSettings {
  /** `redis://` or `rediss://` URL of the cluster's Redis. */
  readonly redisUrl: string;
  /** Prefix of the queues' Redis keys. @defaultValue "featurewise" */
  readonly prefix: string;
  /** @defaultValue 5 attempts, 1000 ms first backoff */
  readonly retry: RetrySettings;
}

/** Retry settings used when none are given. */
export const DEFAULT_RETRY: RetrySettings = Object.freeze({ attempts: 5, backoffMs: 1000 });

/** How long finished jobs and fit records stay in Redis (for `featurewise status`). */
export const RETENTION_SECONDS = Object.freeze({ completed: 24 * 3600, failed: 7 * 24 * 3600 });

/** Valid fit ids: they become parts of job ids and object keys. */
export const FIT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

/** Valid queue prefixes (Redis key prefixes without ':'). */
export const QUEUE_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
