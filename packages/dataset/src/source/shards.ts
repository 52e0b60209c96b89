import type { SourceItem } from "./image-source.js";

/** A contiguous range of a source's ordered listing, processed as one unit. */
export interface Shard {
  /** Position in the shard plan; partials merge in this order. */
  readonly index: number;
  /** Stable id: "shard-000042". */
  readonly id: string;
  readonly items: readonly SourceItem[];
}

/** How a listing is cut into shards. */
export interface ShardPlanOptions {
  /** Images per shard. @defaultValue 1024 */
  readonly imagesPerShard: number;
}

export const DEFAULT_IMAGES_PER_SHARD = 1024;

/**
 * Cuts an ordered listing into contiguous shards, streaming. The plan
 * depends only on the listing and the options, never on who runs it.
 */
export async function* planShards(
  items: AsyncIterable<SourceItem>,
  options: ShardPlanOptions = { imagesPerShard: DEFAULT_IMAGES_PER_SHARD },
): AsyncIterable<Shard> {
  let batch: SourceItem[] = [];
  let index = 0;
  for await (const item of items) {
    batch.push(item);
    if (batch.length === options.imagesPerShard) {
      yield makeShard(index++, batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield makeShard(index, batch);
}

function makeShard(index: number, items: SourceItem[]): Shard {
  return { index, id: `shard-${String(index).padStart(6, "0")}`, items };
}
