/**
 * BullMQ's `Queue` class alone, for the submitting side (`fit`, `status`,
 * `cancel`). `import "bullmq"` loads every class the package has (workers,
 * flows, sandboxes, job schedulers with cron parsing, a Postgres backend),
 * and importing that CommonJS package from ES modules lexes each file it
 * re-exports once more: 55 ms of the 180 that a cluster fit's CLI spent
 * loading BullMQ, ioredis and zod (see docs/DEVELOPING.md). This is the
 * same module instance the package's index re-exports (one require cache),
 * so workers in the same process share the class.
 */
import { createRequire } from "node:module";
import type * as BullMQ from "bullmq";

const require = createRequire(import.meta.url);

/** BullMQ's Queue, from `bullmq/dist/cjs/classes/queue.js` (bullmq has no exports map). */
export const Queue = (require("bullmq/dist/cjs/classes/queue.js") as typeof BullMQ).Queue;
/** An instance of {@link Queue}. */
export type Queue = BullMQ.Queue;
