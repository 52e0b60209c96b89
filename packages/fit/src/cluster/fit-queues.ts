/** The fit's queues and ids (the cluster's own settings are `@featurewise/queue`'s). */

/** The queues of a fit, in the order a fit passes through them. */
export const QUEUE_NAMES = ["coordinator", "shard", "reduce", "finalize"] as const;

/** One of {@link QUEUE_NAMES}. */
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Valid fit ids: they become parts of job ids and object keys. */
export const FIT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;
