import type { ImageSource, OpenShard } from "./image-source.js";
import type { ShardSpec } from "./shards.js";

/**
 * Opens a shard, runs `work` on it, fails with the shard's read failure if
 * one outlasted its retries (a skipped image must not hide a broken
 * connection), and closes the shard whatever happened. Every pipeline that
 * reads shards (the embedded fit, the cluster's shard job, transform) goes
 * through here.
 */
export async function withOpenShard<R>(
  source: ImageSource,
  spec: ShardSpec,
  work: (shard: OpenShard) => Promise<R>,
): Promise<R> {
  const shard = await source.openShard(spec);
  try {
    const result = await work(shard);
    const failure = shard.failure();
    if (failure !== null) throw failure;
    return result;
  } finally {
    shard.close();
  }
}
