import { FIT_DEFAULTS } from "@featurewise/core";
import type { SourceItem } from "./image-source.js";

/** Fields every shard spec has. */
interface ShardSpecBase {
  /** Position in the shard plan; partials merge in this order. */
  readonly index: number;
  /** Stable id: "shard-000042". */
  readonly id: string;
}

/**
 * A contiguous run of an object listing: the `count` keys after
 * `startAfter`, the last of them `lastKey`, and the run's items themselves
 * (keys and sizes, never pixels: ~40 bytes a key, 36-60 kB for a shard of
 * 1,024 images), so that reading a shard never lists the source again (a
 * flat folder of a million files was re-read and re-sorted by every shard).
 * A spec without `items` (an older job, or one stripped for a summary) is
 * re-listed from `startAfter` when read.
 */
export interface RangeShardSpec extends ShardSpecBase {
  readonly kind: "range";
  /** The key just before the run, or null for the first shard. */
  readonly startAfter: string | null;
  /** The run's last key; checked when the shard is read, to notice a changed source. */
  readonly lastKey: string;
  readonly count: number;
  /** Bytes of the run's objects, as listed. */
  readonly bytes: number;
  /** The run's items as listed, in order (`count` of them, the last `lastKey`). @defaultValue re-listed when read */
  readonly items?: readonly SourceItem[];
}

/** One WebDataset tar file: every image sample in it, in the tar's member order. */
export interface TarShardSpec extends ShardSpecBase {
  readonly kind: "tar";
  /** The tar's key under the source's root. */
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
}

/** A small, serializable description of one shard of a fit. */
export type ShardSpec = RangeShardSpec | TarShardSpec;

/** A shard resolved to its items, in order, as `computeShardMoments` reads it. */
export interface Shard {
  readonly index: number;
  readonly id: string;
  readonly items: readonly SourceItem[];
}

/** How a listing is cut into shards (a tar file is always one shard). */
export interface ShardPlanOptions {
  /** Images per shard. @defaultValue 1024 */
  readonly imagesPerShard: number;
  /** A shard also closes once its objects reach this many bytes; null for no limit. @defaultValue null */
  readonly bytesPerShard?: number | null;
}

/** Core's FIT_DEFAULTS.imagesPerShard, where the fit's defaults are decided. */
export const DEFAULT_IMAGES_PER_SHARD = FIT_DEFAULTS.imagesPerShard;

/** The id of shard `index`: "shard-000042". */
export function shardId(index: number): string {
  return `shard-${String(index).padStart(6, "0")}`;
}

/**
 * Cuts an ordered object listing into contiguous range shards, streaming
 * (only the current shard's items are held). The plan depends only on the
 * listing and the options, never on who runs it.
 */
export async function* planRangeShards(
  listing: AsyncIterable<SourceItem>,
  options: ShardPlanOptions = { imagesPerShard: DEFAULT_IMAGES_PER_SHARD },
): AsyncIterable<RangeShardSpec> {
  const maxBytes = options.bytesPerShard ?? Infinity;
  let index = 0;
  let startAfter: string | null = null;
  let count = 0;
  let bytes = 0;
  let lastKey = "";
  let items: SourceItem[] = [];
  const close = (): RangeShardSpec => {
    const spec: RangeShardSpec = {
      kind: "range",
      index,
      id: shardId(index),
      startAfter,
      lastKey,
      count,
      bytes,
      items,
    };
    index++;
    startAfter = lastKey;
    count = 0;
    bytes = 0;
    items = [];
    return spec;
  };
  for await (const item of listing) {
    count++;
    bytes += item.size;
    lastKey = item.key;
    // Only what a job needs: a store's listing may carry more per object.
    const { key, size, etag, unreadable } = item;
    items.push({
      key,
      size,
      ...(etag === undefined ? {} : { etag }),
      ...(unreadable === undefined ? {} : { unreadable }),
    });
    if (count >= options.imagesPerShard || bytes >= maxBytes) yield close();
  }
  if (count > 0) yield close();
}

/** The spec without its items: what a plan summary records (a few hundred bytes a shard). */
export function withoutItems(spec: ShardSpec): ShardSpec {
  if (spec.kind !== "range" || spec.items === undefined) return spec;
  const summary: { -readonly [K in keyof RangeShardSpec]?: RangeShardSpec[K] } = { ...spec };
  delete summary.items;
  return summary as RangeShardSpec;
}
