/**
 * Settings shared by everyone who talks to one featurewise cluster: the
 * Redis key prefix, and how jobs are retried. The queues are the job kinds'
 * (the fit's are listed by `@featurewise/fit`).
 */

/** Prefix of every Redis key featurewise writes (BullMQ's `prefix`). */
export const DEFAULT_QUEUE_PREFIX = "featurewise";

/** How the jobs of a run (a fit) are retried; fixed at submission, carried by each job. */
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

/** How long finished jobs and run records (a fit's) stay in Redis (for `featurewise status`). */
export const RETENTION_SECONDS = Object.freeze({ completed: 24 * 3600, failed: 7 * 24 * 3600 });

/** Valid queue prefixes (Redis key prefixes without ':'). */
export const QUEUE_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
