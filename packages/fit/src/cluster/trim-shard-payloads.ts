/**
 * A completed job stays in Redis for the completed-job retention (24 h,
 * `RETENTION_SECONDS`), data and all, and a range shard's data lists its
 * items (key, size, ETag): ~50 kB a shard of 1,024 images, ~50 MB for a
 * million. Once a fit's artifact is written no shard job can run again, so
 * finalize replaces each one's data with the same payload without its items
 * (`withoutItems`): the jobs stay for inspection (attempts, times, worker)
 * at ~0.6 kB each. Removing them instead would lose that, and neither can
 * happen earlier: a shard that finished before the coordinator added its
 * flow is adopted by id (coordinator-job.ts), and a removed one would run
 * again.
 */
import { withoutItems } from "@featurewise/dataset";
import type { createRedis } from "@featurewise/queue";
import { jobIds } from "./fit-names.js";
import type { ShardPayload } from "./payloads.js";

type Redis = ReturnType<typeof createRedis>;

/** Sets `data` only on a job hash that still exists (HSET would create a new one). */
const SET_IF_EXISTS = `if redis.call("EXISTS", KEYS[1]) == 1 then return redis.call("HSET", KEYS[1], "data", ARGV[1]) end return -1`;

/** Shard jobs read and rewritten per round trip. */
const BATCH = 64;

/**
 * Drops the items from the data of a fit's `shards` shard jobs (BullMQ's
 * job hash `<prefix>:shard:<jobId>`, field `data`); jobs already gone or
 * without items are left as they are.
 * @returns the bytes of job data removed
 */
export async function trimShardPayloads(
  redis: Redis,
  prefix: string,
  fitId: string,
  shards: number,
): Promise<number> {
  let saved = 0;
  for (let first = 0; first < shards; first += BATCH) {
    const keys: string[] = [];
    for (let i = first; i < Math.min(shards, first + BATCH); i++)
      keys.push(`${prefix}:shard:${jobIds.shard(fitId, i)}`);
    const read = redis.pipeline();
    for (const key of keys) read.hget(key, "data");
    const values = (await read.exec()) ?? [];
    const write = redis.pipeline();
    values.forEach(([err, raw], i) => {
      if (err !== null || typeof raw !== "string") return;
      const payload = JSON.parse(raw) as ShardPayload;
      const spec = withoutItems(payload.spec);
      if (spec === payload.spec) return;
      const trimmed = JSON.stringify({ ...payload, spec });
      saved += raw.length - trimmed.length;
      write.eval(SET_IF_EXISTS, 1, keys[i]!, trimmed);
    });
    if (write.length > 0) await write.exec();
  }
  return saved;
}
